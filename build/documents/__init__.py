"""The export documents under ``report/data/``: their models (:mod:`.models`, :mod:`.scaling`, :mod:`.parts`)
and reading and validating them (:mod:`.exports`)."""
