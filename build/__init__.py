"""The report's build pipeline, installed as the package ``ggmm_build``."""
