//! Batch verification: many records, each key decoded (and its tables
//! built) once.
