//! Python bindings for ocmf-core (filled by the Python issue).
