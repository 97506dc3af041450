//! Charging sessions: the records of one transaction checked against each
//! other, with the billable energy and driver-readable findings.
