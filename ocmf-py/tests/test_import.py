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
ocmf.verify_many(["OCMF|x"], as_="pandas")
after_pandas = [m for m in ("pandas",) if m in sys.modules]
print(json.dumps([before, after_list, after_pandas]))
"""


def test_import_ocmf_loads_no_heavy_library() -> None:
    # A fresh interpreter: this test process has imported pandas and pyarrow already.
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)], capture_output=True, text=True, check=True
    ).stdout
    before, after_list, after_pandas = json.loads(out)
    assert before == [], f"import ocmf imported {before}"
    assert after_list == [], f"verify / verify_many(as_='list') / iter_verify imported {after_list}"
    assert after_pandas == ["pandas"]  # asked for: loaded (so the probe can see an import)
