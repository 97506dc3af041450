//! Transports and containers: OCPP 1.6 / 2.0.1 / 2.1 messages, OCPP-J logs,
//! the reference transparency software's XML format and hex-encoded records.
