#!/usr/bin/env python3
"""Writes the container fixtures of the other formats (issue 19): the REAL
shared samples (../formats/samples.jsonl) wrapped in each container as users
have them, and manifest.json: per fixture, the sample ids of its values in
input order. Run from anywhere; the output is deterministic.

    python3 ocmf-core/tests/data/containers/generate.py
"""

import base64
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = {}
for line in (HERE.parent / "formats" / "samples.jsonl").read_text().splitlines():
    if line.strip():
        s = json.loads(line)
        SAMPLES[s["id"]] = s

# S.A.F.E.'s `signedData format` names (VerificationType), or our stable name
# where S.A.F.E. has none.
SAFE = {
    "ALFEN": "ALFEN",
    "EDL40": "SML_EDL40_P",
    "ISA_EDL40": "ISA_EDL_40_P",
    "SML_SIGNATURE_ONLY": "EDL_40_SIG",
    "EDL_MENNEKES": "EDL_40_MENNEKES",
    "PCDF": "PCDF",
    "EMH_CHARGEIT": "EMH_CHARGEIT",
    "BSM_WS36A": "BSM_WS36A",
}


def esc(t):
    return (t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def b64(t):
    return base64.b64encode(t.encode()).decode()


def sml_bytes(s):
    v = s["signed_value"]
    if s["encoding"] == "hex":
        return bytes.fromhex("".join(v.split()))
    return base64.b64decode("".join(v.split()))


manifest = {}


def write(name, text, ids):
    (HERE / name).write_text(text)
    manifest[name] = ids


# One S.A.F.E. XML per format: every sample of it, as S.A.F.E. files have them.
# A value whose text another sample of the file already has is left out: the
# extraction drops it as a duplicate (same station, same text).
by_format, texts = {}, set()
for sid, s in SAMPLES.items():
    if s["format"] in SAFE and s["signed_value"].strip() not in texts:
        texts.add(s["signed_value"].strip())
        by_format.setdefault(s["format"], []).append(sid)
for fmt, ids in by_format.items():
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<values xmlns="http://transparenz.software/schema/2018/07">']
    for n, sid in enumerate(ids):
        s = SAMPLES[sid]
        v = s["signed_value"]
        # The escaped sig-only XML is written as S.A.F.E.'s hummel.xml has it:
        # escaped once (the element's text is the XML document).
        text = v if s["encoding"] == "xml-escaped" else esc(v)
        enc = s["encoding"] if s["encoding"] in ("hex", "base64") else "plain"
        out.append(f'  <value transactionId="{n + 1}" context="Transaction.End">')
        out.append(f'    <signedData format="{SAFE[fmt]}" encoding="{enc}">{text}</signedData>')
        if s["public_key"]:
            out.append(f'    <publicKey encoding="hex">{esc(s["public_key"])}</publicKey>')
        out.append("  </value>")
    out.append("</values>")
    write(f"safe_{fmt.lower()}.xml", "\n".join(out) + "\n", ids)

# OCPP 1.6 MeterValues: SignedData as a raw Alfen line, a hex-encoded PCDF
# text, and an OCA envelope naming the EDL40 encoding with the key.
edl = SAMPLES["edl40-020"]
sv16 = [
    {"value": SAMPLES["alfen-000"]["signed_value"], "format": "SignedData",
     "context": "Transaction.Begin"},
    {"value": SAMPLES["pcdf-054"]["signed_value"].encode().hex().upper(),
     "format": "SignedData", "context": "Transaction.End"},
    {"value": json.dumps({"signedMeterData": edl["signed_value"],
                          "encodingMethod": "EDL40 E-Mobility Extension",
                          "publicKey": edl["public_key"]}),
     "format": "SignedData", "context": "Sample.Periodic"},
]
frame16 = [2, "m-16", "MeterValues", {
    "connectorId": 1, "transactionId": 7,
    "meterValue": [{"timestamp": "2024-05-01T10:00:00Z", "sampledValue": sv16}]}]
write("ocpp16_meter_values.json", json.dumps(frame16, indent=1) + "\n",
      ["alfen-000", "pcdf-054", "edl40-020"])

# OCPP 2.0.1 TransactionEvent: signedMeterValue with base64 signedMeterData:
# an ISA-EDL40 frame (encodingMethod ISA_EDL_40_P, its key), an Alfen line
# ("Alfen Eichrecht") and a BAUER snapshot under an encodingMethod this crate
# does not know, which the format detection recognises.
isa = SAMPLES["isa_edl40-029"]
sv20 = [
    {"value": 1.0, "context": "Transaction.Begin", "signedMeterValue": {
        "signedMeterData": base64.b64encode(sml_bytes(isa)).decode(),
        "signingMethod": "", "encodingMethod": "ISA_EDL_40_P",
        "publicKey": isa["public_key"]}},
    {"value": 1.0, "context": "Sample.Periodic", "signedMeterValue": {
        "signedMeterData": b64(SAMPLES["alfen-001"]["signed_value"]),
        "signingMethod": "", "encodingMethod": "Alfen Eichrecht", "publicKey": ""}},
    {"value": 1.0, "context": "Transaction.End", "signedMeterValue": {
        "signedMeterData": b64(SAMPLES["bsm_ws36a-066"]["signed_value"]),
        "signingMethod": "", "encodingMethod": "chargeIT Mobility", "publicKey": ""}},
]
frame20 = [2, "m-20", "TransactionEvent", {
    "eventType": "Ended", "timestamp": "2024-05-01T11:00:00Z",
    "triggerReason": "EVCommunicationLost", "seqNo": 2,
    "transactionInfo": {"transactionId": "tx-20"},
    "evse": {"id": 1, "connectorId": 1},
    "meterValue": [{"timestamp": "2024-05-01T11:00:00Z", "sampledValue": sv20}]}]
write("ocpp201_transaction_event.json", json.dumps(frame20, indent=1) + "\n",
      ["isa_edl40-029", "alfen-001", "bsm_ws36a-066"])


def ocpi(cdr_id, method, values, key=None, energy="1.0"):
    sd = {"encoding_method": method, "encoding_method_version": 1,
          "signed_values": [
              {"nature": nature, "plain_data": "", "signed_data": b64(SAMPLES[sid]["signed_value"])}
              for nature, sid in values]}
    if key:
        sd["public_key"] = key
    return {"country_code": "DE", "party_id": "OCM", "id": cdr_id,
            "start_date_time": "2024-05-01T10:00:00Z", "end_date_time": "2024-05-01T11:00:00Z",
            "cdr_token": {"uid": "TOKEN1", "type": "RFID", "contract_id": "DE-OCM-C1"},
            "cdr_location": {"id": "LOC1", "evse_id": "DE*OCM*E1"},
            "currency": "EUR", "total_energy": energy, "signed_data": sd}


write("ocpi_alfen.json", json.dumps(ocpi(
    "cdr-alfen", "Alfen Eichrecht",
    [("Start", "alfen-011"), ("End", "alfen-012")]), indent=1) + "\n",
    ["alfen-011", "alfen-012"])
emoc = SAMPLES["edl40-025"]
write("ocpi_edl40.json", json.dumps(ocpi(
    "cdr-edl40", "EDL40 E-Mobility Extension",
    [("Start", "edl40-025"), ("End", "edl40-026")], key=emoc["public_key"]), indent=1) + "\n",
    ["edl40-025", "edl40-026"])
write("ocpi_mennekes.json", json.dumps(ocpi(
    "cdr-mennekes", "EDL40 Mennekes", [("End", "edl_mennekes-045")]), indent=1) + "\n",
    ["edl_mennekes-045"])

# OICP 2.3 CDR with MeteringSignatureEncodingFormat "EDL" (as WWCP_OICP's
# test CDR has it) over the two signature-only values of S.A.F.E.'s
# hummel.xml, unescaped once, raw.
def unescape(t):
    return t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


oicp = {
    "SessionID": "b2c3d4e5-0000-4000-8000-000000000001",
    "EvseID": "DE*OCM*E1*1", "ChargingStart": "2024-05-01T10:00:00Z",
    "ChargingEnd": "2024-05-01T11:00:00Z", "ConsumedEnergy": 1.0,
    "Identification": {"RFIDMifareFamilyIdentification": {"UID": "1234ABCD"}},
    "SignedMeteringValues": [
        {"SignedMeteringValue": unescape(SAMPLES["sml_signature_only-037"]["signed_value"]).strip(),
         "MeteringStatus": "Start"},
        {"SignedMeteringValue": unescape(SAMPLES["sml_signature_only-038"]["signed_value"]).strip(),
         "MeteringStatus": "End"},
    ],
    "CalibrationLawVerificationInfo": {"MeteringSignatureEncodingFormat": "EDL"},
}
write("oicp_sig_only.json", json.dumps(oicp, indent=1) + "\n",
      ["sml_signature_only-037", "sml_signature_only-038"])

(HERE / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
