"""scikit-learn estimator tags, built only when scikit-learn asks for them."""


def sampler_tags(estimator):
    """Tags declaring what the sampler supports: dense numeric 2-D input (ndarray or
    DataFrame), any label dtype; no sparse matrices (SMOTE here interpolates dense rows), no
    NaN (rows with NaN cannot be interpolated), no string features.

    imbalanced-learn's own ``Tags`` (with ``sampler_tags`` and ``input_tags.dataframe``) are
    used when it is installed, as its ``BaseSampler`` does: its estimator checks read those
    fields. Without it, scikit-learn's plain ``Tags``.
    """
    from sklearn.utils import TargetTags

    try:
        from imblearn.utils._tags import InputTags, SamplerTags, Tags
    except ImportError:
        from sklearn.utils import Tags

        tags = Tags(estimator_type="sampler", target_tags=TargetTags(required=True))
    else:
        tags = Tags(
            estimator_type="sampler",
            target_tags=TargetTags(required=True),
            sampler_tags=SamplerTags(sample_indices=False),
            input_tags=InputTags(dataframe=True),
        )
    tags.input_tags.sparse = False
    tags.input_tags.allow_nan = False
    tags.input_tags.string = False
    tags.input_tags.two_d_array = True
    return tags


def feature_names_out(estimator, input_features=None):
    """``get_feature_names_out`` of a sampler: its input feature names, as scikit-learn's
    ``OneToOneFeatureMixin`` gives them (a sampler adds rows, never columns).

    ``input_features`` must match ``feature_names_in_`` when the sampler was fitted on a
    DataFrame with string column names, and have ``n_features_in_`` entries; by default the
    names are ``feature_names_in_`` or ``x0, x1, ...``.
    """
    import numpy as np

    n = getattr(estimator, "n_features_in_", None)
    if n is None:
        raise RuntimeError(
            f"This {type(estimator).__name__} is not fitted yet: call fit_resample (or fit) "
            "before get_feature_names_out."
        )
    names_in = getattr(estimator, "feature_names_in_", None)
    if input_features is None:
        if names_in is not None:
            return np.asarray(names_in, dtype=object)
        return np.asarray([f"x{i}" for i in range(n)], dtype=object)
    input_features = np.asarray(input_features, dtype=object)
    if names_in is not None and not np.array_equal(names_in, input_features):
        raise ValueError(
            f"input_features is not equal to feature_names_in_: got {list(input_features)}, "
            f"fitted on {list(names_in)}. Pass input_features=None to use the fitted names."
        )
    if len(input_features) != n:
        raise ValueError(
            f"input_features should have length equal to number of features ({n}), got "
            f"{len(input_features)}."
        )
    return input_features
