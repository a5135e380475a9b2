"""``python -m ggmm_build.site COMMAND`` (see :mod:`ggmm_build.site`)."""

from . import main

raise SystemExit(main())
