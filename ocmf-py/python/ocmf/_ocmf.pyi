"""The native module (Rust, PyO3). Use the ``ocmf`` package's API instead."""

from typing import Iterable, Optional, Union, final

from ._registry import Trust

__version__: str
MAX_INPUT_BYTES: int
TRANSPORTS: list[str]
BACKENDS: list[str]
__all__ = [
    "BACKENDS",
    "CodeInfo",
    "Columns",
    "Entry",
    "Extraction",
    "FormatErrorInfo",
    "FormatFinding",
    "FormatReading",
    "FormatResult",
    "GroupInfo",
    "GroupSession",
    "Issue",
    "Key",
    "MAX_INPUT_BYTES",
    "Registry",
    "SessionOutcome",
    "Signed",
    "TRANSPORTS",
    "Value",
    "VerifyOutcome",
    "__version__",
    "backend_name",
    "chargepoint_value",
    "code_info",
    "evaluate_session",
    "extract",
    "format_session",
    "parse",
    "sign",
    "to_xml",
    "verify",
    "verify_chunk",
    "verify_format",
]

_KeyArg = Union[str, bytes, bytearray, "Key", None]

@final
class Key:
    """A decoded public key, reusable across many records."""

    def __new__(cls, key: Union[str, bytes, bytearray]) -> "Key": ...
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
class Entry:
    """One registry entry."""

    @property
    def meter_serial(self) -> Optional[str]: ...
    @property
    def gateway_serial(self) -> Optional[str]: ...
    @property
    def public_key(self) -> Key: ...
    @property
    def valid_from_ms(self) -> Optional[int]: ...
    @property
    def valid_until_ms(self) -> Optional[int]: ...
    @property
    def source(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def fingerprint(self) -> str: ...

@final
class Registry:
    """A set of trusted keys."""

    def __new__(cls) -> "Registry": ...
    @staticmethod
    def load(data: Union[str, bytes, bytearray], lang: str = "en") -> "Registry": ...
    @staticmethod
    def from_json(data: Union[str, bytes, bytearray], lang: str = "en") -> "Registry": ...
    @staticmethod
    def from_csv(data: Union[str, bytes, bytearray], lang: str = "en") -> "Registry": ...
    def entries(self) -> list[Entry]: ...
    def __len__(self) -> int: ...

@final
class VerifyOutcome:
    """What `verify` returns."""

    @property
    def verdict(self) -> str: ...
    @property
    def code(self) -> int: ...
    @property
    def signature_valid(self) -> Optional[bool]: ...
    @property
    def algorithm(self) -> Optional[str]: ...
    @property
    def json(self) -> str: ...

@final
class Columns:
    """The columns of a checked chunk (`trust`/`key_fingerprint` with a registry only)."""

    @property
    def verdict(self) -> list[str]: ...
    @property
    def code(self) -> list[int]: ...
    @property
    def signature_valid(self) -> list[Optional[bool]]: ...
    @property
    def algorithm(self) -> list[Optional[str]]: ...
    @property
    def trust(self) -> Optional[list[str]]: ...
    @property
    def key_fingerprint(self) -> Optional[list[Optional[str]]]: ...
    def __len__(self) -> int: ...

@final
class SessionOutcome:
    """A session's verdict, code and canonical JSON."""

    @property
    def verdict(self) -> str: ...
    @property
    def code(self) -> int: ...
    @property
    def json(self) -> str: ...

@final
class Value:
    """One signed value found by `extract`."""

    @property
    def record(self) -> str: ...
    @property
    def public_key(self) -> Optional[str]: ...
    @property
    def transport(self) -> str: ...
    @property
    def station(self) -> Optional[str]: ...
    @property
    def transaction_id(self) -> Optional[str]: ...
    @property
    def transaction_inferred(self) -> bool: ...
    @property
    def evse(self) -> Optional[int]: ...
    @property
    def connector(self) -> Optional[int]: ...
    @property
    def context(self) -> Optional[str]: ...
    @property
    def timestamp(self) -> Optional[str]: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def message_id(self) -> Optional[str]: ...
    @property
    def action(self) -> Optional[str]: ...
    @property
    def evse_id(self) -> Optional[str]: ...
    @property
    def token(self) -> Optional[str]: ...
    @property
    def billed_kwh(self) -> Optional[str]: ...
    @property
    def plain_data(self) -> Optional[str]: ...
    @property
    def format(self) -> Optional[str]: ...

@final
class Issue:
    """Something `extract` could not read."""

    @property
    def code(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def message(self) -> str: ...

@final
class GroupInfo:
    """The values of one session."""

    @property
    def station(self) -> Optional[str]: ...
    @property
    def transaction_id(self) -> Optional[str]: ...
    @property
    def evse(self) -> Optional[int]: ...
    @property
    def evse_id(self) -> Optional[str]: ...
    @property
    def token(self) -> Optional[str]: ...
    @property
    def values(self) -> list[int]: ...

@final
class GroupSession:
    """A group, its session outcome and the group's JSON."""

    @property
    def group(self) -> GroupInfo: ...
    @property
    def session(self) -> SessionOutcome: ...
    @property
    def formats(self) -> list[tuple[int, FormatResult]]: ...
    @property
    def format_session(self) -> Optional[SessionOutcome]: ...
    @property
    def verdict(self) -> str: ...
    @property
    def json(self) -> str: ...

@final
class Extraction:
    """What `extract` found."""

    @property
    def format(self) -> str: ...
    @property
    def duplicates(self) -> int: ...
    @property
    def byte_order_mark(self) -> bool: ...
    def values(self) -> list[Value]: ...
    def errors(self) -> list[Issue]: ...
    def groups(self) -> list[GroupInfo]: ...
    def to_xml(self) -> str: ...
    def to_json(self) -> str: ...
    def sessions(
        self,
        key: _KeyArg = None,
        registry: Optional[Registry] = None,
        profile: str = "interop",
        lang: str = "en",
        *,
        backend: str = "auto",
    ) -> list[GroupSession]: ...
    def sessions_json(
        self,
        key: _KeyArg = None,
        registry: Optional[Registry] = None,
        profile: str = "interop",
        lang: str = "en",
        *,
        backend: str = "auto",
    ) -> str: ...

@final
class Signed:
    """A record made by `sign` and its public key (SEC1 hex)."""

    @property
    def record(self) -> str: ...
    @property
    def public_key(self) -> str: ...

@final
class CodeInfo:
    """What the core says about a code."""

    @property
    def name(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def verdict(self) -> str: ...

@final
class FormatReading:
    """One meter reading of a value in one of the other formats."""

    @property
    def kind(self) -> str: ...
    @property
    def time_utc_s(self) -> Optional[int]: ...
    @property
    def offset_minutes(self) -> Optional[int]: ...
    @property
    def time_status(self) -> Optional[str]: ...
    @property
    def value(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def obis(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[int]: ...
    @property
    def pagination(self) -> Optional[int]: ...
    @property
    def signed(self) -> bool: ...

@final
class FormatFinding:
    """A note on a value in one of the other formats."""

    @property
    def code(self) -> str: ...
    @property
    def rejects(self) -> bool: ...
    @property
    def detail(self) -> str: ...

@final
class FormatErrorInfo:
    """Why a value in one of the other formats could not be read."""

    @property
    def code(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...

@final
class FormatResult:
    """What `verify_format` returns."""

    @property
    def format(self) -> Optional[str]: ...
    @property
    def verdict(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def signature_verified(self) -> bool: ...
    @property
    def key_sec1(self) -> Optional[str]: ...
    @property
    def key_source(self) -> Optional[str]: ...
    @property
    def curve(self) -> Optional[str]: ...
    @property
    def trust_status(self) -> Optional[str]: ...
    @property
    def trust(self) -> Optional[Trust]: ...
    @property
    def key_fingerprint(self) -> Optional[str]: ...
    @property
    def carried_key_fingerprint(self) -> Optional[str]: ...
    @property
    def meter_serial(self) -> Optional[str]: ...
    @property
    def transaction(self) -> Optional[str]: ...
    @property
    def contract(self) -> Optional[str]: ...
    @property
    def readings(self) -> list[FormatReading]: ...
    @property
    def findings(self) -> list[FormatFinding]: ...
    @property
    def error(self) -> Optional[FormatErrorInfo]: ...
    @property
    def is_valid(self) -> bool: ...
    @property
    def json(self) -> str: ...
    def to_json(self) -> str:
        """The core's canonical JSON (one line), byte for byte."""

def verify(
    record: Union[str, bytes, None],
    key: _KeyArg = None,
    profile: str = "interop",
    lang: str = "en",
    registry: Optional[Registry] = None,
    *,
    backend: str = "auto",
) -> VerifyOutcome: ...
def verify_format(
    data: Union[str, bytes, bytearray],
    key: _KeyArg = None,
    *,
    registry: Optional[Registry] = None,
    backend: str = "auto",
    lang: str = "en",
) -> FormatResult:
    """A value in one of the other formats (the core's `Checker::verify_format`)."""
def format_session(
    values: list[Union[str, bytes, bytearray]],
    key: _KeyArg = None,
    registry: Optional[Registry] = None,
    profile: str = "interop",
    lang: str = "en",
    *,
    backend: str = "auto",
) -> SessionOutcome:
    """A session of values in the other formats (the core's `Checker::format_session`)."""
def verify_chunk(
    records: Iterable[Union[str, bytes, None]],
    key: _KeyArg = None,
    keys: Optional[Iterable[_KeyArg]] = None,
    profile: str = "interop",
    threads: int = 1,
    registry: Optional[Registry] = None,
    *,
    backend: str = "auto",
) -> Columns:
    """The columns of the records (the core's `Checker::verify_all`; with a
    registry `key`/`keys` are the carried keys)."""
def evaluate_session(
    records: Iterable[Union[str, bytes]],
    carried: Optional[Iterable[_KeyArg]] = None,
    labels: Optional[Iterable[Optional[str]]] = None,
    key: _KeyArg = None,
    registry: Optional[Registry] = None,
    profile: str = "interop",
    lang: str = "en",
    *,
    backend: str = "auto",
) -> SessionOutcome: ...
def extract(data: Union[str, bytes, bytearray]) -> Extraction: ...
def to_xml(values: Iterable[object]) -> str: ...
def chargepoint_value(
    secrrct: Union[str, bytes, bytearray], signature: Union[str, bytes, bytearray]
) -> str: ...
def parse(record: Union[str, bytes, None]) -> str: ...
def backend_name(name: str) -> str:
    """The core's name of a backend; `InvalidArgumentError` (702) for an unknown one."""
def sign(payload: str, secret_hex: str, algorithm: Optional[str] = None) -> Signed: ...
def code_info(code: int) -> Optional[CodeInfo]: ...
