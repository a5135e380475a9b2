"""The export documents under ``report/data/``: their layouts and checks (:mod:`.exports`)."""
