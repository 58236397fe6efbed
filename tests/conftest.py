import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = (ROOT.parent / "shared" / "corpus") if (ROOT.parent / "shared" / "corpus").is_dir() \
    else Path(os.environ.get("BUDGETPERF_CORPUS", "/work/shared/corpus"))


def corpus_pdf(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus PDF not available: {path}")
    return path


@pytest.fixture(scope="session")
def seed_pdf() -> Path:
    return SAMPLES / "hongqiao-2024-unit-self-evaluation.pdf"


@pytest.fixture(scope="session")
def project_pdf() -> Path:
    return SAMPLES / "project-self-evaluation-2024.pdf"
