#!/usr/bin/env python3
"""Writes the OCPP / XML / text transport fixtures from vectors/real.jsonl.

Run from anywhere: python3 ocmf-core/tests/data/ocpp/generate.py
The frames follow the OCPP 1.6 and 2.0.1 JSON schemas (MeterValues,
StartTransaction, StopTransaction, TransactionEvent); every signed value is a
real record from the vector corpus, carried in one of the encodings seen in
the field. ocmf-core/tests/transport.rs checks the extraction against the
corpus, not against these files.
"""
import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
OCPP = HERE
XML = os.path.join(HERE, "..", "xml")
VEC = {}
with open(os.path.join(ROOT, "vectors", "real.jsonl"), encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        VEC[d["id"]] = d


def rec(i):
    return VEC[i]["ocmf"]


def key(i):
    return VEC[i]["public_key"]


def b64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def hexs(s):
    return s.encode("utf-8").hex().upper()


def j(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def oca(k):
    # OCA application note section 3.2.2: oca:<encoding>:<content type>:<printed key>, then base64.
    return b64("oca:base16:asn1-spki:" + k)


def sv16(value, context, fmt="SignedData"):
    return {"value": value, "context": context, "format": fmt,
            "measurand": "Energy.Active.Import.Register", "unit": "Wh"}


def raw16(v, context):
    return {"value": v, "context": context, "measurand": "Energy.Active.Import.Register", "unit": "Wh"}


def sv20(data, context, pk="", enc="OCMF"):
    return {"value": 0, "context": context, "measurand": "Energy.Active.Import.Register",
            "signedMeterValue": {"signedMeterData": data, "signingMethod": "",
                                 "encodingMethod": enc, "publicKey": pk}}


SEAL_B, SEAL_C, SEAL_E = ("chargy-seal-001",
                          "chargy-safe-safe-testdata-02-withxmlnamespace-001",
                          "chargy-safe-safe-testdata-02-withxmlnamespace-002")
DZG_B, DZG_E = "tps-ebee01-001", "tps-ebee01-002"
BSM_B, BSM_E = "chargy-chargeit-bsm-ocmf-001", "chargy-chargeit-bsm-ocmf-002"
NZR_B = "tps-nzr-bp256-001"
KEBA1, KEBA2, KEBA3 = "tps-keba100-001", "tps-keba100-002", "tps-keba100-003"


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --- single messages, one file per shape -----------------------------------
write(os.path.join(OCPP, "16_meter_values_plain.json"), j(
    [2, "m-1", "MeterValues", {"connectorId": 1, "transactionId": 46669, "meterValue": [
        {"timestamp": "2024-05-01T10:00:00Z", "sampledValue": [
            raw16("1234560", "Transaction.Begin"),
            sv16(rec(KEBA1), "Transaction.Begin")]}]}]) + "\n")

write(os.path.join(OCPP, "16_meter_values_hex.json"), j(
    [2, "m-2", "MeterValues", {"connectorId": 2, "transactionId": 46670, "meterValue": [
        {"timestamp": "2024-05-01T11:00:00Z", "sampledValue": [
            sv16(hexs(rec(KEBA2)), "Sample.Clock")]}]}]) + "\n")

write(os.path.join(OCPP, "16_stop_transaction_envelope.json"), json.dumps(
    [2, "m-3", "StopTransaction", {"transactionId": 9289, "meterStop": 1500, "timestamp": "2019-06-26T08:58:00Z",
                                   "reason": "Local", "transactionData": [
        {"timestamp": "2019-06-26T08:57:44Z", "sampledValue": [sv16(j(
            {"signedMeterData": b64(rec(SEAL_B)), "signingMethod": "ECDSA-secp256r1-SHA256",
             "encodingMethod": "OCMF", "publicKey": oca(key(SEAL_B))}), "Transaction.Begin")]},
        {"timestamp": "2019-06-26T08:57:58Z", "sampledValue": [sv16(j(
            {"signedMeterData": b64(rec(SEAL_E)), "signingMethod": "ECDSA-secp256r1-SHA256",
             "encodingMethod": "OCMF", "publicKey": b64(key(SEAL_E))}), "Transaction.End")]}]}],
    indent=2) + "\n")

write(os.path.join(OCPP, "16_energised.json"), j(
    [2, "m-4", "MeterValues", {"connectorId": 1, "transactionId": 22107, "meterValue": [
        {"timestamp": "2020-10-08T08:22:39Z", "sampledValue": [sv16(j(
            {"signedMeterValue": rec(BSM_B), "encodingMethod": "OCMF",
             "publicKey": b64(key(BSM_B))}), "Transaction.Begin")]}]}]) + "\n")

write(os.path.join(OCPP, "16_base64_value.json"), j(
    [2, "m-5", "MeterValues", {"connectorId": 1, "meterValue": [
        {"timestamp": "2021-10-26T11:15:09Z", "sampledValue": [
            sv16(b64(rec(NZR_B)), "Transaction.Begin")]}]}]) + "\n")

write(os.path.join(OCPP, "201_transaction_event_base64.json"), json.dumps(
    [2, "t-1", "TransactionEvent", {
        "eventType": "Ended", "timestamp": "2021-08-25T08:01:09Z", "triggerReason": "StopAuthorized",
        "seqNo": 2, "transactionInfo": {"transactionId": "tx-dzg-1", "stoppedReason": "Local"},
        "evse": {"id": 1, "connectorId": 1},
        "meterValue": [
            {"timestamp": "2021-08-25T08:01:04Z", "sampledValue": [
                sv20(b64(rec(DZG_B)), "Transaction.Begin", oca(key(DZG_B)))]},
            {"timestamp": "2021-08-25T08:01:09Z", "sampledValue": [
                sv20(b64(rec(DZG_E)), "Transaction.End", oca(key(DZG_E)))]}]}], indent=2) + "\n")

write(os.path.join(OCPP, "201_meter_values_raw.json"), j(
    [2, "t-2", "MeterValues", {"evseId": 2, "meterValue": [
        {"timestamp": "2020-10-08T08:27:37Z", "sampledValue": [
            sv20(rec(BSM_E), "Transaction.End", "")]}]}]) + "\n")

write(os.path.join(OCPP, "201_encoding_edl.json"), j(
    [2, "t-3", "MeterValues", {"evseId": 1, "meterValue": [
        {"timestamp": "2024-05-01T10:00:00Z", "sampledValue": [
            sv20(b64("EDL40 binary data stand-in"), "Sample.Clock", "", "EDL"),
            sv20(b64(rec(KEBA3)), "Sample.Clock", "", "OCMF")]}]}]) + "\n")

# KEBA over OCPP 2.0.1 as seen in the field: signingMethod "ECC256" (not an
# OCMF SA name) and publicKey = base64 of the JSON {"UK": "<SPKI hex>"}. No
# public capture exists in the corpus, so a real KEBA record and its key are
# carried that way.
KEBA_KCP30 = "tps-fromweb-001"
keba_sv = sv20(b64(rec(KEBA_KCP30)), "Transaction.End",
               b64(json.dumps({"UK": key(KEBA_KCP30)}, separators=(",", ":"))))
keba_sv["signedMeterValue"]["signingMethod"] = "ECC256"
write(os.path.join(OCPP, "201_keba_uk_key.json"), json.dumps(
    [2, "k-1", "TransactionEvent", {
        "eventType": "Ended", "timestamp": "2019-08-13T10:03:40Z", "triggerReason": "EVCommunicationLost",
        "seqNo": 3, "transactionInfo": {"transactionId": "keba-32", "stoppedReason": "EVDisconnected"},
        "evse": {"id": 1, "connectorId": 1},
        "meterValue": [{"timestamp": "2019-08-13T10:03:36Z", "sampledValue": [keba_sv]}]}],
    indent=2) + "\n")

write(os.path.join(OCPP, "bare_stop_transaction.json"), json.dumps(
    {"transactionId": 22108, "meterStop": 2000, "timestamp": "2020-10-08T08:27:37Z",
     "transactionData": [{"timestamp": "2020-10-08T08:27:37Z", "sampledValue": [
         sv16(hexs(rec(BSM_E)), "Transaction.End")]}]}, indent=2) + "\n")

ptb = {"format": "ptb", "formatVersion": "1.0",
       "publicKey": key("chargy-ptb-ptb-simple-1-001"),
       "chargeboxIdentifier": "DE*ABC*E1234567",
       "address": {"street": "Teststrasse 1", "postalCode": "10115", "city": "Berlin", "country": "DE"},
       "geoLocation": {"lat": 52.5, "lng": 13.4},
       "ocmfBegin": rec("chargy-ptb-ptb-simple-1-001"),
       "ocmfEnd": rec("chargy-ptb-ptb-simple-2-001")}
write(os.path.join(OCPP, "ptb_container.json"), json.dumps(ptb, indent=2) + "\n")

# --- a multi-station log ----------------------------------------------------
T = "2024-05-01T10:{:02d}:00.000Z"
lines = []


def txt(n, station, arrow, frame):
    lines.append(f"{T.format(n)} {station} {arrow} {j(frame)}")


def jl(n, station_key, station, frame, as_string=False):
    lines.append(j({"ts": T.format(n), station_key: station, "dir": "in",
                    "message": j(frame) if as_string else frame}))


# CP-A: OCPP 1.6, text prefix; SEAL AG meter T9289 (B) / T9290 (C) / T9291 (E).
txt(0, "CP-A", "->", [2, "a1", "BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}])
txt(0, "CP-A", "<-", [3, "a1", {"status": "Accepted", "currentTime": "2019-06-26T08:00:00Z", "interval": 300}])
txt(1, "CP-A", "->", [2, "a2", "StartTransaction", {"connectorId": 1, "idTag": "TAG1", "meterStart": 0,
                                                      "timestamp": "2019-06-26T08:57:44Z"}])
txt(1, "CP-A", "<-", [3, "a2", {"idTagInfo": {"status": "Accepted"}, "transactionId": 4711}])
# MeterValues without transactionId: attached to the open transaction on connector 1.
txt(2, "CP-A", "->", [2, "a3", "MeterValues", {"connectorId": 1, "meterValue": [
    {"timestamp": "2019-06-26T08:57:44Z", "sampledValue": [
        raw16("0", "Transaction.Begin"), sv16(rec(SEAL_B), "Transaction.Begin")]}]}])
# CP-B: OCPP 2.0.1, JSON lines; DZG meter T28 (B) / T29 (E).
jl(3, "station", "CP-B", [2, "b1", "TransactionEvent", {
    "eventType": "Started", "timestamp": "2021-08-25T08:01:04Z", "triggerReason": "Authorized", "seqNo": 0,
    "transactionInfo": {"transactionId": "tx-b-1"}, "evse": {"id": 1, "connectorId": 1},
    "meterValue": [{"timestamp": "2021-08-25T08:01:04Z", "sampledValue": [
        sv20(b64(rec(DZG_B)), "Transaction.Begin", oca(key(DZG_B)))]}]}])
txt(4, "CP-A", "->", [2, "a4", "Heartbeat", {}])
# Out of order: CP-A's stop arrives before its Sample.Clock value.
txt(5, "CP-A", "->", [2, "a5", "StopTransaction", {"transactionId": 4711, "meterStop": 30, "timestamp": "2019-06-26T08:57:58Z",
                                                     "transactionData": [{"timestamp": "2019-06-26T08:57:58Z", "sampledValue": [
                                                         sv16(rec(SEAL_E), "Transaction.End")]}]}])
# A malformed (truncated) line.
lines.append(T.format(6) + ' CP-A -> [2,"a6","MeterValues",{"connectorId":1,"meterVal')
txt(7, "CP-A", "->", [2, "a7", "MeterValues", {"connectorId": 1, "transactionId": 4711, "meterValue": [
    {"timestamp": "2019-06-26T08:57:54Z", "sampledValue": [sv16(hexs(rec(SEAL_C)), "Sample.Clock")]}]}])
# Retry of the same message (same id): a duplicate.
txt(8, "CP-A", "->", [2, "a7", "MeterValues", {"connectorId": 1, "transactionId": 4711, "meterValue": [
    {"timestamp": "2019-06-26T08:57:54Z", "sampledValue": [sv16(hexs(rec(SEAL_C)), "Sample.Clock")]}]}])
# CP-C: OCPP 2.0.1, bracketed station and direction words; BAUER meter T22107 (B) / T22108 (E).
lines.append(f"[{T.format(9)}] [CP-C] SEND: " + j([2, "c1", "TransactionEvent", {
    "eventType": "Started", "timestamp": "2020-10-08T08:22:00Z", "triggerReason": "Authorized", "seqNo": 0,
    "transactionInfo": {"transactionId": "c-77"}, "evse": {"id": 2, "connectorId": 1}}]))
lines.append("connection to CP-C: websocket ping timeout, reconnecting")
lines.append(f"[{T.format(10)}] [CP-C] SEND: " + j([2, "c2", "MeterValues", {"evseId": 2, "meterValue": [
    {"timestamp": "2020-10-08T08:22:39Z", "sampledValue": [sv20(b64(rec(BSM_B)), "Transaction.Begin")]}]}]))
# A meter value outside any transaction (EVSE 3 has none open).
lines.append(f"[{T.format(10)}] [CP-C] SEND: " + j([2, "c3", "MeterValues", {"evseId": 3, "meterValue": [
    {"timestamp": "2020-10-08T08:23:00Z", "sampledValue": [sv20(rec(KEBA1), "Sample.Clock")]}]}]))
lines.append(f"[{T.format(11)}] [CP-C] RECV: " + j([4, "c3", "InternalError", "db down", {}]))
# CP-D: OCPP 1.6 in JSON lines (frame as a string); NZR meter T274 (B); its end value is lost.
jl(12, "chargeBoxId", "CP-D", [2, "d1", "StartTransaction", {"connectorId": 2, "idTag": "TAG9", "meterStart": 0,
                                                              "timestamp": "2021-10-26T11:15:00Z"}], as_string=True)
jl(12, "chargeBoxId", "CP-D", [3, "d1", {"idTagInfo": {"status": "Accepted"}, "transactionId": 99}], as_string=True)
jl(13, "chargeBoxId", "CP-D", [2, "d2", "MeterValues", {"connectorId": 2, "transactionId": 99, "meterValue": [
    {"timestamp": "2021-10-26T11:15:09Z", "sampledValue": [sv16(b64(rec(NZR_B)), "Transaction.Begin")]}]}])
jl(14, "chargeBoxId", "CP-D", [2, "d3", "StopTransaction", {"transactionId": 99, "meterStop": 5,
                                                              "timestamp": "2021-10-26T11:15:12Z"}])
txt(15, "CP-C", "->", [2, "c4", "TransactionEvent", {
    "eventType": "Ended", "timestamp": "2020-10-08T08:27:40Z", "triggerReason": "StopAuthorized", "seqNo": 2,
    "transactionInfo": {"transactionId": "c-77"}, "evse": {"id": 2},
    "meterValue": [{"timestamp": "2020-10-08T08:27:37Z", "sampledValue": [
        sv20(b64(rec(BSM_E)), "Transaction.End")]}]}])
jl(16, "station", "CP-B", [2, "b2", "TransactionEvent", {
    "eventType": "Ended", "timestamp": "2021-08-25T08:01:09Z", "triggerReason": "StopAuthorized", "seqNo": 1,
    "transactionInfo": {"transactionId": "tx-b-1"},
    "meterValue": [{"timestamp": "2021-08-25T08:01:09Z", "sampledValue": [
        sv20(rec(DZG_E), "Transaction.End", "")]}]}])
# The same end value again in a MeterValues after the transaction: a duplicate.
jl(17, "station", "CP-B", [2, "b3", "MeterValues", {"evseId": 1, "meterValue": [
    {"timestamp": "2021-08-25T08:01:09Z", "sampledValue": [sv20(rec(DZG_E), "Transaction.End", "")]}]}])
write(os.path.join(OCPP, "multi_station.log"), "\n".join(lines) + "\n")

# --- the same kind of log as one JSON array (an export) ---------------------
write(os.path.join(OCPP, "array_log.json"), json.dumps([
    [2, "x1", "StartTransaction", {"connectorId": 1, "idTag": "T", "meterStart": 0, "timestamp": "2019-06-26T08:57:40Z"}],
    [3, "x1", {"idTagInfo": {"status": "Accepted"}, "transactionId": 5}],
    {"chargePointId": "CP-X", "message": [2, "x2", "MeterValues", {"connectorId": 1, "transactionId": 5, "meterValue": [
        {"timestamp": "2019-06-26T08:57:44Z", "sampledValue": [sv16(rec(SEAL_B), "Transaction.Begin")]}]}]},
    [2, "x3", "MeterValues", {"connectorId": 1, "meterValue": [
        {"timestamp": "2019-06-26T08:57:54Z", "sampledValue": [sv16(rec(SEAL_C), "Sample.Clock")]}]}],
], indent=1) + "\n")

# --- records as text ---------------------------------------------------------
write(os.path.join(OCPP, "records.txt"),
      rec(KEBA1) + "\n" + hexs(rec(KEBA2)) + "\n\n" + rec("spec-ex14-001") + "\n" + hexs(rec(KEBA3)).lower() + "\n")
write(os.path.join(OCPP, "hex_records.txt"), "\r\n".join(hexs(rec(i)) for i in (SEAL_B, SEAL_C, SEAL_E)) + "\r\n")

# --- TPS XML -----------------------------------------------------------------
def x(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


write(os.path.join(XML, "tps_namespace.xml"),
      '<?xml version="1.0" encoding="UTF-8"?>\n'
      '<values xmlns="http://transparenz.software/schema/2018/07">\n'
      f'  <value transactionId="9289" context="Transaction.Begin">\n'
      f'    <signedData format="OCMF" encoding="plain">\n      {x(rec(SEAL_B))}\n    </signedData>\n'
      f'    <publicKey encoding="hex">{key(SEAL_B)}</publicKey>\n  </value>\n'
      f'  <value transactionId="9289" context="Sample.Clock">\n'
      f'    <signedData format="OCMF" encoding="hex">{hexs(rec(SEAL_C))}</signedData>\n'
      f'    <publicKey encoding="plain">{key(SEAL_C)}</publicKey>\n  </value>\n'
      f'  <value transactionId="9289" context="Transaction.End">\n'
      f'    <encodedData format="OCMF" encoding="base64">{b64(rec(SEAL_E))}</encodedData>\n'
      f'    <publicKey encoding="base64">{base64.b64encode(bytes.fromhex(key(SEAL_E))).decode()}</publicKey>\n  </value>\n'
      '</values>\n')

write(os.path.join(XML, "partly_bad.xml"),
      '<?xml version="1.0" encoding="UTF-8"?>\n<values>\n'
      '  <value transactionId="1" context="Transaction.Begin">\n'
      '    <signedData format="EDL" encoding="hex">0102</signedData>\n  </value>\n'
      '  <value transactionId="1" context="Transaction.Begin">\n'
      '    <publicKey encoding="hex">00</publicKey>\n  </value>\n'
      '  <value transactionId="1" context="Transaction.Begin">\n'
      '    <signedData format="OCMF" encoding="plain">OCMF|{not json</signedData>\n  </value>\n'
      f'  <value transactionId="28" context="Transaction.Begin">\n'
      f'    <signedData format="OCMF" encoding="plain">{x(rec(DZG_B))}</signedData>\n'
      f'    <publicKey encoding="plain">{key(DZG_B)}</publicKey>\n  </value>\n'
      '</values>\n')

write(os.path.join(XML, "malformed.xml"),
      '<?xml version="1.0" encoding="UTF-8"?>\n<values>\n'
      f'  <value transactionId="28" context="Transaction.Begin">\n'
      f'    <signedData format="OCMF" encoding="plain">{x(rec(DZG_B))}</signedData>\n'
      '  </value>\n  <value transactionId="29">\n    <signedData format="OCMF">OCMF|x</signedDta>\n'
      '  </value>\n</values>\n')
