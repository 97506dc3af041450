"""The native module (Rust, PyO3). Use the ``ocmf`` package's API instead."""

from typing import Iterable, Optional, Tuple, Union, final, overload

__version__: str
MAX_INPUT_BYTES: int
__all__ = [
    "Extraction",
    "Key",
    "MAX_INPUT_BYTES",
    "Registry",
    "__version__",
    "code_info",
    "evaluate_session",
    "extract",
    "parse",
    "sign",
    "to_xml",
    "verify",
    "verify_chunk",
]

_Origin = Tuple[Optional[int], Optional[str], Optional[str]]
_Value = Tuple[
    str,
    Optional[str],
    str,
    Optional[str],
    Optional[str],
    bool,
    Optional[int],
    Optional[int],
    Optional[str],
    Optional[str],
    _Origin,
]
_Group = Tuple[Optional[str], Optional[str], Optional[int], list[int]]
_KeyArg = Union[str, bytes, "Key", None]
# verify_chunk's columns: verdict, code, signature_valid, algorithm (and
# with a registry trust, key_fingerprint).
_Columns = Tuple[list[str], list[int], list[Optional[bool]], list[Optional[str]]]
_TrustedColumns = Tuple[
    list[str], list[int], list[Optional[bool]], list[Optional[str]], list[str], list[Optional[str]]
]

@final
class Key:
    """A decoded public key, reusable across many records."""

    def __new__(cls, key: Union[str, bytes]) -> "Key": ...
    @property
    def sec1_hex(self) -> str: ...
    @property
    def declared_curve(self) -> Optional[str]: ...
    @property
    def fingerprint(self) -> str: ...
    def precompute(self) -> None:
        """Builds the wide verification tables now, for a key about to verify
        many records (about a fifth faster per record afterwards)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Registry:
    """A set of trusted keys."""

    def __new__(cls) -> "Registry": ...
    @staticmethod
    def load(text: str, lang: str = "en") -> "Registry": ...
    @staticmethod
    def from_json(text: str, lang: str = "en") -> "Registry": ...
    @staticmethod
    def from_csv(text: str, lang: str = "en") -> "Registry": ...
    def entries(
        self,
    ) -> list[Tuple[Optional[str], Optional[str], Key, Optional[int], Optional[int], str, int, str]]: ...
    def __len__(self) -> int: ...

@final
class Extraction:
    """What `extract` found."""

    @property
    def format(self) -> str: ...
    @property
    def duplicates(self) -> int: ...
    def values(self) -> list[_Value]: ...
    def errors(self) -> list[Tuple[int, str, Optional[int], str]]: ...
    def groups(self) -> list[_Group]: ...
    def to_xml(self) -> str: ...
    def to_json(self) -> str: ...
    def sessions(
        self,
        key: _KeyArg = None,
        registry: Optional[Registry] = None,
        profile: str = "interop",
        lang: str = "en",
    ) -> list[Tuple[_Group, str, int, str, str]]: ...
    def sessions_json(
        self,
        key: _KeyArg = None,
        registry: Optional[Registry] = None,
        profile: str = "interop",
        lang: str = "en",
    ) -> str: ...

def verify(
    record: Union[str, bytes],
    key: _KeyArg = None,
    profile: str = "interop",
    lang: str = "en",
    registry: Optional[Registry] = None,
) -> Tuple[str, int, Optional[bool], Optional[str], str]: ...
@overload
def verify_chunk(
    records: Iterable[Union[str, bytes, None]],
    key: _KeyArg = None,
    keys: Optional[Iterable[_KeyArg]] = None,
    profile: str = "interop",
    threads: int = 1,
    registry: None = None,
) -> _Columns:
    """verdicts, codes, signature_valid, algorithms (the core's `check_all`)."""
@overload
def verify_chunk(
    records: Iterable[Union[str, bytes, None]],
    key: _KeyArg = None,
    keys: Optional[Iterable[_KeyArg]] = None,
    profile: str = "interop",
    threads: int = 1,
    *,
    registry: Registry,
) -> _TrustedColumns:
    """The four columns, then trust statuses and key fingerprints (the
    core's `check_all_trusted`; `key`/`keys` are the carried keys)."""
@overload
def verify_chunk(
    records: Iterable[Union[str, bytes, None]],
    key: _KeyArg = None,
    keys: Optional[Iterable[_KeyArg]] = None,
    profile: str = "interop",
    threads: int = 1,
    *,
    registry: Optional[Registry],
) -> Union[_Columns, _TrustedColumns]: ...
def evaluate_session(
    records: Iterable[Tuple[Union[str, bytes], Optional[str], Optional[str]]],
    key: _KeyArg = None,
    registry: Optional[Registry] = None,
    profile: str = "interop",
    lang: str = "en",
) -> Tuple[str, int, str]: ...
def extract(data: Union[str, bytes, bytearray]) -> Extraction: ...
def to_xml(values: Iterable[_Value]) -> str: ...
def parse(record: Union[str, bytes]) -> str: ...
def sign(payload: str, secret_hex: str, algorithm: Optional[str] = None) -> Tuple[str, str]: ...
def code_info(code: int) -> Optional[Tuple[str, str, str]]: ...
