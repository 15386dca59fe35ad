"""A river classifier wrapper that feeds its model synthetic minority rows (OnlineSMOTE).

This module imports river at the top; it is loaded only by ``import streamsmote.river``, never
by ``import streamsmote``.
"""

import numpy as np
import pandas as pd

try:
    from river import base
except ImportError as exc:  # pragma: no cover - exercised only without river
    raise ImportError('streamsmote.river needs river: pip install "streamsmote[river]"') from exc

from .online import OnlineSMOTE

__all__ = ["SMOTEClassifier"]


class SMOTEClassifier(base.Wrapper, base.Classifier):
    """Train a river classifier on a stream topped up with SMOTE rows of its minority classes.

    Every observation is learnt as it is. When it belongs to a class that, over the running
    class counts, is owed synthetic rows (see :class:`streamsmote.OnlineSMOTE`), the wrapped
    model then learns those rows right away: each is interpolated between a recent row of the
    class and one of its ``k_neighbors`` nearest neighbours within the class's window.

    Parameters
    ----------
    classifier : river.base.Classifier
        The model to train.
    k_neighbors : int, default=5
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`streamsmote.OnlineSMOTE`, over the running counts.
    window : int, default=10_000
        Most rows kept per class for interpolation.
    window_kind : {"sliding", "reservoir"}, default="sliding"
    half_life : float or None, default=None
        Rows after which an observation counts half in the class counts (see
        :class:`streamsmote.OnlineSMOTE`).
    seed : int or None, default=None
        Seeds every draw (river's name for ``random_state``).

    Attributes
    ----------
    sampler : OnlineSMOTE
        The sampler that holds the windows and the running counts.
    n_synthetic : int
        Synthetic rows fed to the model so far.

    Notes
    -----
    The features used for interpolation are the keys of the first observation that hold
    numbers, in that order. A later observation that lacks one of them counts as 0 there
    (river's convention for sparse dicts); keys that appear later are passed to the model with
    the real observations but are not interpolated. Synthetic observations are dicts with the
    interpolated keys only. Algorithm: N. V. Chawla et al., JAIR 16 (2002), section 4.2, over a
    sliding window as in C-SMOTE (Bernardo et al., IEEE Big Data 2020).

    Examples
    --------
    >>> import random
    >>> from river import naive_bayes
    >>> rng = random.Random(0)
    >>> model = SMOTEClassifier(naive_bayes.GaussianNB(), k_neighbors=3, seed=0)
    >>> for _ in range(500):
    ...     y = rng.random() < 0.05
    ...     x = {"a": rng.gauss(2.0 * y, 1.0), "b": rng.gauss(0.0, 1.0)}
    ...     model.learn_one(x, y)
    >>> counts, owed = model.sampler.class_counts_, model.sampler.n_owed_.get(True, 0)
    >>> counts[True] + model.n_synthetic + owed == counts[False]
    True
    >>> model.predict_one({"a": 3.0, "b": 0.0})
    True
    """

    def __init__(
        self,
        classifier,
        k_neighbors=5,
        sampling_strategy="auto",
        window=10_000,
        window_kind="sliding",
        half_life=None,
        seed=None,
    ):
        self.classifier = classifier
        self.k_neighbors = k_neighbors
        self.sampling_strategy = sampling_strategy
        self.window = window
        self.window_kind = window_kind
        self.half_life = half_life
        self.seed = seed
        self.sampler = OnlineSMOTE(
            k_neighbors=k_neighbors,
            sampling_strategy=sampling_strategy,
            window=window,
            random_state=seed,
            neighbors="exact",
            window_kind=window_kind,
            half_life=half_life,
        )
        self.n_synthetic = 0
        self._keys = None
        self._started = False

    @property
    def _wrapped_model(self):
        return self.classifier

    @property
    def _multiclass(self):
        return self.classifier._multiclass

    @classmethod
    def _unit_test_params(cls):
        from river import linear_model, naive_bayes

        yield {"classifier": linear_model.LogisticRegression(), "k_neighbors": 3, "seed": 0}
        yield {"classifier": naive_bayes.GaussianNB(), "window": 500, "seed": 1}

    # ------------------------------------------------------------------ learning

    def learn_one(self, x, y, **kwargs):
        """Learn ``x``, then any synthetic rows now owed to ``y``'s class.

        Parameters
        ----------
        x : dict
            Features.
        y : label
        **kwargs
            Passed to the wrapped model's ``learn_one`` with ``x`` (not with synthetic rows).
        """
        row = self._vector(x)[None, :]
        self.classifier.learn_one(x, y, **kwargs)
        if self._started:
            self.sampler._ingest(row, _labels([y]))
        else:  # the first row sets the sampler's layout; later rows skip its chunk checks
            self.sampler.partial_fit(row, _labels([y]))
            self._started = True
        if self.sampler.n_owed_.get(y):
            X_syn, y_syn = self.sampler.generate_owed(classes=[y])
            for values in X_syn.tolist():
                self.classifier.learn_one(dict(zip(self._keys, values, strict=True)), y)
            self.n_synthetic += len(y_syn)

    def learn_many(self, X, y, **kwargs):
        """Learn a mini-batch and every synthetic row owed after it.

        Parameters
        ----------
        X : pandas.DataFrame
        y : pandas.Series
        **kwargs
            Passed to the wrapped model's ``learn_many`` with the batch (not with synthetic
            rows).

        Notes
        -----
        The wrapped model's ``learn_many`` receives the batch, then the synthetic rows (columns
        = the interpolated features); a model without ``learn_many`` learns them row by row.
        """
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"learn_many takes a pandas DataFrame; got {type(X).__name__}.")
        if self._keys is None:
            self._keys = [c for c in X.columns if _is_number_dtype(X[c].dtype)]
        values = (
            np.column_stack(
                [
                    X[k].to_numpy(dtype=np.float64) if k in X else np.zeros(len(X))
                    for k in self._keys
                ]
            )
            if self._keys
            else np.zeros((len(X), 0))
        )
        self.sampler.partial_fit(values, _labels(list(y)))
        self._started = True
        X_syn, y_syn = self.sampler.generate_owed()
        syn_X = pd.DataFrame(X_syn, columns=self._keys)
        syn_y = pd.Series(list(y_syn), name=y.name)
        if hasattr(self.classifier, "learn_many"):
            self.classifier.learn_many(X, y, **kwargs)
            if len(syn_y):
                self.classifier.learn_many(syn_X, syn_y, **kwargs)
        else:
            for x_i, y_i in zip(X.to_dict(orient="records"), y, strict=True):
                self.classifier.learn_one(x_i, y_i, **kwargs)
            for x_i, y_i in zip(syn_X.to_dict(orient="records"), syn_y, strict=True):
                self.classifier.learn_one(x_i, y_i)
        self.n_synthetic += len(syn_y)

    # ------------------------------------------------------------------ prediction

    def predict_proba_one(self, x, **kwargs):
        """The wrapped model's ``predict_proba_one``: synthetic rows only change its training.

        Parameters
        ----------
        x : dict
            Features.
        **kwargs
            Passed to the wrapped model.

        Returns
        -------
        dict
            ``{label: probability}``.
        """
        return self.classifier.predict_proba_one(x, **kwargs)

    def predict_one(self, x, **kwargs):
        """The wrapped model's ``predict_one``: synthetic rows only change its training.

        Parameters
        ----------
        x, **kwargs
            As in :meth:`predict_proba_one`.

        Returns
        -------
        label
        """
        return self.classifier.predict_one(x, **kwargs)

    def predict_proba_many(self, X, **kwargs):
        """The wrapped model's ``predict_proba_many`` (for mini-batch models)."""
        return self.classifier.predict_proba_many(X, **kwargs)

    def predict_many(self, X, **kwargs):
        """The wrapped model's ``predict_many`` (for mini-batch models)."""
        return self.classifier.predict_many(X, **kwargs)

    # ------------------------------------------------------------------ features

    def _vector(self, x):
        if self._keys is None:
            self._keys = [k for k, v in x.items() if _is_number(v)]
        out = np.zeros(len(self._keys))
        for i, key in enumerate(self._keys):
            v = x.get(key, 0.0)
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                raise ValueError(
                    f"Feature {key!r} holds {v!r}, which is not a number; SMOTEClassifier "
                    "interpolates numeric features. Encode it first, e.g. "
                    "compose.SelectType(str) | preprocessing.OneHotEncoder() in the pipeline."
                ) from None
            if not np.isfinite(out[i]):
                raise ValueError(
                    f"Feature {key!r} holds {v!r}; SMOTE cannot interpolate missing or infinite "
                    "values. Impute them first (e.g. preprocessing.StatImputer())."
                )
        return out


def _is_number(v):
    return isinstance(v, (int, float, np.number, np.bool_)) and not isinstance(v, str)


def _is_number_dtype(dtype):
    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def _labels(values):
    """Labels as an object array (river labels are bools, ints or strings, possibly mixed
    with numpy scalars)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
