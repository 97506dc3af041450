"""``import ocmf`` stays light: the data-frame and cluster libraries are
imported only when a call asks for them."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pyarrow", "pandas", "numpy", "pyspark", "dask", "distributed", "tqdm")

PROBE = """
import json, sys
import ocmf
before = [m for m in {heavy!r} if m in sys.modules]
ocmf.verify("OCMF|x")
ocmf.verify_many(["OCMF|x"], as_="list")
list(ocmf.iter_verify(["OCMF|x"]))
after_list = [m for m in {heavy!r} if m in sys.modules]
lazy = [m for m in ("ocmf._session", "ocmf._transport") if m in sys.modules]
ocmf.verify_many(["OCMF|x"], as_="pandas")
after_pandas = [m for m in ("pandas",) if m in sys.modules]
names = dir(ocmf)
from ocmf import *  # every name of __all__, the lazy ones too
loaded = [m for m in ("ocmf._session", "ocmf._transport") if m in sys.modules]
print(json.dumps([before, after_list, after_pandas, lazy, loaded, sorted(set(ocmf.__all__) - set(names))]))
"""


def test_import_ocmf_loads_no_heavy_library() -> None:
    # A fresh interpreter: this test process has imported pandas and pyarrow already.
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)], capture_output=True, text=True, check=True
    ).stdout
    before, after_list, after_pandas, lazy, loaded, undir = json.loads(out)
    assert before == [], f"import ocmf imported {before}"
    assert after_list == [], f"verify / verify_many(as_='list') / iter_verify imported {after_list}"
    assert after_pandas == ["pandas"]  # asked for: loaded (so the probe can see an import)
    # Sessions and transports load on first use, and are all there then.
    assert lazy == [] and loaded == ["ocmf._session", "ocmf._transport"]
    assert undir == []


def test_lazy_names_are_the_modules_objects() -> None:
    import ocmf._session
    import ocmf._transport

    assert ocmf.evaluate_session is ocmf._session.evaluate_session
    assert ocmf.Extraction is ocmf._transport.Extraction
    assert ocmf.TRANSPORTS == ocmf._transport.TRANSPORTS
    try:
        ocmf.no_such_name  # type: ignore[attr-defined]
    except AttributeError as e:
        assert "no_such_name" in str(e)
    else:
        raise AssertionError("no AttributeError")
