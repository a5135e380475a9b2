"""Entry point of the build pipeline (temporary)."""


def main() -> None:
    raise SystemExit("not yet")
