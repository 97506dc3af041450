#!/usr/bin/env python3
"""Regenerates the demo OCPP log and key registry in this folder.

Five stations, every OCPP encoding the library reads, records signed with
fixed demo keys by the `ocmf sign` command (pass its path as argv[1]). The
output is committed; the CLI tests and the README use it as is.

    python3 examples/ocpp/generate.py target/debug/ocmf
"""
import base64, hashlib, json, subprocess, sys
from pathlib import Path

OCMF = sys.argv[1] if len(sys.argv) > 1 else "target/debug/ocmf"
HERE = Path(__file__).resolve().parent


def secret(name):
    return hashlib.sha256(name.encode()).hexdigest()


def sign(payload, name, alg="ECDSA-secp256r1-SHA256"):
    p = subprocess.run([OCMF, "sign", "--secret", secret(name), "--algorithm", alg, "-"],
                       input=payload.encode(), capture_output=True, check=True)
    key = p.stderr.decode().split("public key (SEC1):")[1].strip()
    return p.stdout.decode().strip(), key


def payload(ms, pg, tx, tm, rv, il="VERIFIED"):
    # Written out by hand (not json.dumps of a dict) so that RV keeps its
    # decimal digits exactly as a meter writes them.
    return ('{"FV":"1.0","GI":"DEMO WALLBOX","GS":"GW-%s","GV":"1.2.0","PG":"%s","MV":"Demo Meter Co",'
            '"MM":"DM-1","MS":"%s","MF":"2.1","IS":true,"IL":"%s","IF":["RFID_PLAIN","OCPP_RS_TLS"],'
            '"IT":"ISO14443","ID":"04A1B2C3D4E5F6","RD":[{"TM":"%s","TX":"%s","RV":%s,"RI":"1-b:1.8.0",'
            '"RU":"kWh","RT":"AC","EF":"","ST":"G"}]}') % (ms, pg, ms, il, tm, tx, rv)


def session(ms, key_name, n, day, begin_rv, end_rv, alg="ECDSA-secp256r1-SHA256"):
    b, key = sign(payload(ms, "T%d" % n, "B", "2026-11-%02dT08:00:00,000+0100 S" % day, begin_rv), key_name, alg)
    e, _ = sign(payload(ms, "T%d" % (n + 1), "E", "2026-11-%02dT09:12:30,000+0100 S" % day, end_rv), key_name, alg)
    return b, e, key


def frame(station, msg_id, action, body):
    return "2026-11-%s %s -> %s" % ("02T10:00:00Z", station, json.dumps([2, msg_id, action, body], separators=(",", ":")))


def sv(value, context, fmt="SignedData"):
    return {"value": value, "context": context, "format": fmt, "measurand": "Energy.Active.Import.Register"}


def mv16(cid, tx, ts, values):
    return {"connectorId": cid, "transactionId": tx, "meterValue": [{"timestamp": ts, "sampledValue": values}]}


def oca(sec1_hex):
    return base64.b64encode(("oca:base16:sec1:" + sec1_hex).encode()).decode()


def envelope(record, key, alg="ECDSA-secp256r1-SHA256"):
    return json.dumps({"signedMeterData": base64.b64encode(record.encode()).decode(),
                       "signingMethod": alg, "encodingMethod": "OCMF", "publicKey": oca(key)})


def smv(record, key=None, raw=False):
    return {"signedMeterData": record if raw else base64.b64encode(record.encode()).decode(),
            "signingMethod": "", "encodingMethod": "OCMF", "publicKey": key or ""}


lines, registry = [], []
# CP-1: OCPP 1.6, plain OCMF in MeterValues (begin) and StopTransaction (end). Trusted.
b, e, k1 = session("DEMO-0001", "meter-1", 41, 2, "1234.5670", "1256.8912")
lines.append(frame("CP-1", "1-1", "BootNotification", {"chargePointVendor": "Demo", "chargePointModel": "W1"}))
lines.append(frame("CP-1", "1-2", "MeterValues", mv16(1, 1001, "2026-11-02T07:00:00Z", [sv(b, "Transaction.Begin")])))
lines.append(frame("CP-1", "1-3", "Heartbeat", {}))
lines.append(frame("CP-1", "1-4", "StopTransaction", {"transactionId": 1001, "meterStop": 1256891, "timestamp": "2026-11-02T08:12:30Z",
                                                       "transactionData": [{"timestamp": "2026-11-02T08:12:30Z", "sampledValue": [sv(e, "Transaction.End")]}]}))
registry.append(("DEMO-0001", k1, "PTB key database"))
# CP-2: OCPP 1.6, the OCA application note's JSON envelope (base64 record, oca: key). Trusted.
b, e, k2 = session("DEMO-0002", "meter-2", 7, 3, "17.0000", "48.2500")
lines.append(frame("CP-2", "2-1", "StopTransaction", {"transactionId": 2002, "meterStop": 48250, "timestamp": "2026-11-03T08:12:30Z",
               "transactionData": [{"timestamp": "2026-11-03T07:00:00Z", "sampledValue": [sv(envelope(b, k2), "Transaction.Begin")]},
                                   {"timestamp": "2026-11-03T08:12:30Z", "sampledValue": [sv(envelope(e, k2), "Transaction.End")]}]}))
registry.append(("DEMO-0002", k2, "station label"))
# CP-3: OCPP 2.0.1 TransactionEvent, base64 signedMeterData with a base64 publicKey; the
# meter is not registered: valid but untrusted. Retried once (duplicate).
b, e, k3 = session("DEMO-0003", "meter-3", 300, 4, "5.1000", "27.7770", "ECDSA-brainpoolP256r1-SHA256")
def te(kind, seq, rec, ctx):
    return {"eventType": kind, "timestamp": "2026-11-04T08:00:00Z", "triggerReason": "Authorized", "seqNo": seq,
            "transactionInfo": {"transactionId": "tx-3003"}, "evse": {"id": 1, "connectorId": 1},
            "meterValue": [{"timestamp": "2026-11-04T08:00:00Z", "sampledValue": [{"value": 0, "context": ctx, "signedMeterValue": smv(rec, oca(k3))}]}]}
lines.append(frame("CP-3", "3-1", "TransactionEvent", te("Started", 0, b, "Transaction.Begin")))
lines.append(frame("CP-3", "3-1", "TransactionEvent", te("Started", 0, b, "Transaction.Begin")))
lines.append(frame("CP-3", "3-2", "TransactionEvent", te("Ended", 1, e, "Transaction.End")))
# CP-4: OCPP 2.0.1 MeterValues with raw OCMF (no transaction id: attached to the open
# transaction) and a key that differs from the registered one: mismatch.
b, e, k4 = session("DEMO-0004", "meter-4", 12, 5, "100.0000", "130.5000")
_, _, other = session("DEMO-0004", "meter-4-old", 1, 5, "0.0000", "1.0000")
lines.append(frame("CP-4", "4-1", "TransactionEvent", {"eventType": "Started", "timestamp": "2026-11-05T07:00:00Z", "triggerReason": "Authorized",
               "seqNo": 0, "transactionInfo": {"transactionId": "tx-4004"}, "evse": {"id": 2, "connectorId": 1}}))
lines.append(frame("CP-4", "4-2", "MeterValues", {"evseId": 2, "meterValue": [{"timestamp": "2026-11-05T07:00:01Z", "sampledValue": [{"value": 100.0, "context": "Transaction.Begin", "signedMeterValue": smv(b, k4, raw=True)}]}]}))
lines.append(frame("CP-4", "4-3", "MeterValues", {"evseId": 2, "meterValue": [{"timestamp": "2026-11-05T08:12:30Z", "sampledValue": [{"value": 130.5, "context": "Transaction.End", "signedMeterValue": smv(e, k4, raw=True)}]}]}))
lines.append(frame("CP-4", "4-4", "TransactionEvent", {"eventType": "Ended", "timestamp": "2026-11-05T08:12:31Z", "triggerReason": "StopAuthorized",
               "seqNo": 1, "transactionInfo": {"transactionId": "tx-4004"}, "evse": {"id": 2, "connectorId": 1}}))
registry.append(("DEMO-0004", other, "manufacturer"))
# CP-5: OCPP 1.6, hex-encoded OCMF; the end value was lost: incomplete. Plus a
# truncated frame, which is reported with its line and loses nothing else.
b, e, k5 = session("DEMO-0005", "meter-5", 88, 6, "2.0000", "9.0000")
lines.append(frame("CP-5", "5-1", "MeterValues", mv16(2, 5005, "2026-11-06T07:00:00Z", [sv(b.encode().hex().upper(), "Transaction.Begin")])))
lines.append(frame("CP-5", "5-2", "MeterValues", mv16(2, 5005, "2026-11-06T07:30:00Z", [{"value": "4100", "measurand": "Energy.Active.Import.Register"}]))[:-40])
registry.append(("DEMO-0005", k5, "PTB key database"))

(HERE / "stations.log").write_text("\n".join(lines) + "\n")
reg = ["# Demo key registry for stations.log (DEMO-0003 deliberately absent,", "# DEMO-0004 registered with another key)",
       "meter_serial,public_key,source"]
reg += ["%s,%s,%s" % r for r in registry]
(HERE / "registry.csv").write_text("\n".join(reg) + "\n")
print("wrote", HERE / "stations.log", "and", HERE / "registry.csv")
