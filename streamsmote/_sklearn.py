"""scikit-learn estimator tags, built only when scikit-learn asks for them."""


def sampler_tags(estimator):
    """Tags declaring what the sampler supports: dense numeric input, any label dtype; no
    sparse matrices (SMOTE here interpolates dense rows), no NaN (rows with NaN cannot be
    interpolated)."""
    from sklearn.utils import Tags, TargetTags

    tags = Tags(estimator_type="sampler", target_tags=TargetTags(required=True))
    tags.input_tags.sparse = False
    tags.input_tags.allow_nan = False
    tags.input_tags.two_d_array = True
    return tags
