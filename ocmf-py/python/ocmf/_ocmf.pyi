"""The native module (Rust, PyO3). Use the ``ocmf`` package's API instead."""

from typing import Iterable, Optional, Tuple, Union, final

__version__: str
__all__ = ["Key", "__version__", "code_info", "parse", "sign", "verify", "verify_chunk"]

@final
class Key:
    """A decoded public key, reusable across many records."""

    def __new__(cls, key: Union[str, bytes]) -> "Key": ...
    @property
    def sec1_hex(self) -> str: ...
    @property
    def declared_curve(self) -> Optional[str]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def verify(
    record: Union[str, bytes],
    key: Union[str, bytes, Key, None] = None,
    profile: str = "interop",
    lang: str = "en",
) -> Tuple[str, int, Optional[bool], Optional[str], str]: ...
def verify_chunk(
    records: Iterable[Union[str, bytes, None]],
    key: Union[str, bytes, Key, None] = None,
    keys: Optional[Iterable[Union[str, bytes, Key, None]]] = None,
    profile: str = "interop",
    threads: int = 1,
) -> Tuple[list[str], list[int], list[Optional[bool]], list[Optional[str]]]: ...
def parse(record: Union[str, bytes]) -> str: ...
def sign(payload: str, secret_hex: str, algorithm: Optional[str] = None) -> Tuple[str, str]: ...
def code_info(code: int) -> Optional[Tuple[str, str, str]]: ...
