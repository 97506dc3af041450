#!/usr/bin/env python3
"""Writes the OCPI / OICP charge detail record fixtures from vectors/real.jsonl.

Run from anywhere: python3 ocmf-core/tests/data/cdr/generate.py
Member names follow OCPI 2.2.1 / 2.3 (mod_cdrs: CDR, CdrLocation, CdrToken,
SignedData, SignedValue; the GET /cdrs response envelope) and OICP 2.3
(eRoamingChargeDetailRecord, SignedMeteringValuesType,
CalibrationLawVerificationType, eRoamingChargingNotifications, the paged
eRoamingGetChargeDetailRecords response). Every signed value is a real
record from the vector corpus; the tampered one changes a reading of a real
record and is expected NOT to verify. ocmf-core/tests/cdr.rs checks the
extraction against the corpus, not against these files.
"""
import base64
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
VEC = {}
with open(os.path.join(ROOT, "vectors", "real.jsonl"), encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        VEC[d["id"]] = d

BSM_B, BSM_E = "chargy-chargeit-bsm-ocmf-001", "chargy-chargeit-bsm-ocmf-002"  # 0 Wh -> 150 Wh
DZG_B, DZG_E = "tps-ebee01-001", "tps-ebee01-002"  # 7753 Wh -> 7753 Wh
LEM = "tps-vw-lem-001"  # one record, B 57.584 kWh, E 58.685 kWh: 1.101 kWh
WEB = "tps-fromweb-001"  # one record (KEBA), B 0.2596 kWh, E 0.2597 kWh: 0.0001 kWh


def rec(i):
    return VEC[i]["ocmf"]


def key_hex(i):
    return "".join(VEC[i]["public_key"].split())


def key_b64(i):
    # OCPI: the public key base64 encoded (here: of the DER SubjectPublicKeyInfo).
    return base64.b64encode(bytes.fromhex(key_hex(i))).decode("ascii")


def b64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def payload(r):
    return r[len("OCMF|"):r.rindex("|")]


def tampered(r):
    # The BSM end reading 150 Wh becomes 151 Wh: the signature no longer fits.
    assert '"RV":150,' in r
    return r.replace('"RV":150,', '"RV":151,', 1)


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def num(text):
    # A JSON number written exactly as `text` (json.dumps would print 1.10 as 1.1).
    return "@@" + text + "@@"


def unquote(s):
    return re.sub(r'"@@([-0-9.eE+]+)@@"', r"\1", s)


def pretty(v):
    return unquote(json.dumps(v, indent=2, ensure_ascii=False)) + "\n"


def line(v):
    return unquote(json.dumps(v, separators=(",", ":"), ensure_ascii=False))


# --- OCPI 2.2.1 / 2.3 ------------------------------------------------------

def ocpi_sv(nature, r, enc="base64", plain=None):
    return {"nature": nature,
            "plain_data": payload(r) if plain is None else plain,
            "signed_data": b64(r) if enc == "base64" else r}


def ocpi_cdr(cdr_id, values, total, key=None, method="OCMF", evse="DE*ABC*E000001",
             loc="LOC1", uid="012345678"):
    signed = {"encoding_method": method, "encoding_method_version": 1}
    if key is not None:
        signed["public_key"] = key
    signed["signed_values"] = values
    signed["url"] = "https://cpo.example/check/" + cdr_id
    return {
        "country_code": "DE", "party_id": "ABC", "id": cdr_id,
        "start_date_time": "2024-05-01T10:00:00Z", "end_date_time": "2024-05-01T11:00:00Z",
        "cdr_token": {"country_code": "DE", "party_id": "TNM", "uid": uid, "type": "RFID",
                      "contract_id": "DE8ACC12E46L89"},
        "auth_method": "WHITELIST",
        "cdr_location": {"id": loc, "name": "Test", "address": "Str. 1", "city": "Berlin",
                         "postal_code": "10115", "country": "DEU",
                         "coordinates": {"latitude": "52.520008", "longitude": "13.404954"},
                         "evse_uid": "3256", "evse_id": evse, "connector_id": "1",
                         "connector_standard": "IEC_62196_T2", "connector_format": "SOCKET",
                         "connector_power_type": "AC_3_PHASE"},
        "currency": "EUR",
        "charging_periods": [{"start_date_time": "2024-05-01T10:00:00Z",
                              "dimensions": [{"type": "ENERGY", "volume": total}]}],
        "signed_data": signed,
        "total_cost": {"excl_vat": 1.00, "incl_vat": 1.19},
        "total_energy": total, "total_time": 1.0,
        "last_updated": "2024-05-01T11:05:00Z",
    }


BSM_KEY = key_b64(BSM_B)
bsm = [ocpi_sv("Start", rec(BSM_B)), ocpi_sv("End", rec(BSM_E))]
# total_energy is written as JSON number text; json.dumps keeps 0.15 as "0.15".
write("ocpi_cdr_base64.json", pretty(ocpi_cdr("CDR-BSM-1", bsm, 0.15, key=BSM_KEY)))
write("ocpi_cdr_raw_no_key.json", pretty(ocpi_cdr(
    "CDR-DZG-1", [ocpi_sv("Start", rec(DZG_B), "raw"), ocpi_sv("End", rec(DZG_E), "raw")], 0,
    loc="LOC2", evse="DE*ABC*E000002")))
write("ocpi_cdr_single_be.json", pretty(ocpi_cdr(
    "CDR-LEM-1", [ocpi_sv("End", rec(LEM))], num("1.10"), key=key_b64(LEM))))
write("ocpi_cdr_tampered.json", pretty(ocpi_cdr(
    "CDR-BSM-T", [ocpi_sv("Start", rec(BSM_B)), ocpi_sv("End", tampered(rec(BSM_E)))], 0.151,
    key=BSM_KEY)))
write("ocpi_cdr_billed_mismatch.json", pretty(ocpi_cdr(
    "CDR-LEM-2", [ocpi_sv("End", rec(LEM))], 1.11, key=key_b64(LEM))))
write("ocpi_cdr_missing_end.json", pretty(ocpi_cdr(
    "CDR-BSM-2", [ocpi_sv("Start", rec(BSM_B))], 0.15, key=BSM_KEY)))
write("ocpi_cdr_plain_mismatch.json", pretty(ocpi_cdr(
    "CDR-BSM-3", [ocpi_sv("Start", rec(BSM_B)),
                  ocpi_sv("End", rec(BSM_E), plain=payload(tampered(rec(BSM_E))))],
    0.15, key=BSM_KEY)))
alfen = ocpi_cdr("CDR-ALFEN-1", [{"nature": "End", "plain_data": "",
                                  "signed_data": "AP////8BAAAAAAAAAAAAAAAAAAAA"}],
                 4.2, key="MIIBCgKCAQEAx", method="GraphDefined", loc="LOC3")
page = {"data": [ocpi_cdr("CDR-BSM-1", bsm, 0.15, key=BSM_KEY), alfen,
                 ocpi_cdr("CDR-WEB-3", [ocpi_sv("End", rec(WEB), "raw")], num("0.0001"),
                          key=key_b64(WEB), loc="LOC4", evse="DE*ABC*E000004")],
        "status_code": 1000, "status_message": "Success", "timestamp": "2024-05-02T00:00:00Z"}
write("ocpi_cdrs_page.json", pretty(page))
write("ocpi_cdrs.jsonl", "\n".join([
    line(ocpi_cdr("CDR-BSM-1", bsm, 0.15, key=BSM_KEY)),
    '{"id": "CDR-BROKEN", "total_energy": 1.0, "signed_data": {',
    line(ocpi_cdr("CDR-WEB-3", [ocpi_sv("End", rec(WEB), "raw")], num("0.0001"),
                  key=key_b64(WEB), loc="LOC4")),
]) + "\n")
broken = pretty(ocpi_cdr("CDR-BSM-1", bsm, 0.15, key=BSM_KEY))
lines = broken.split("\n")
i = next(n for n, l in enumerate(lines) if '"auth_method"' in l)
lines[i] = lines[i].rstrip(",")  # a missing comma: the next member is on line i + 2
write("ocpi_cdr_malformed.json", "\n".join(lines))

# --- OICP 2.3 --------------------------------------------------------------


def oicp_smv(status, r, enc="base64"):
    return {"SignedMeteringValue": b64(r) if enc == "base64" else r, "MeteringStatus": status}


def oicp_cdr(session, values, consumed, key=None, fmt="OCMF", evse="DE*XYZ*ETEST1",
             uid="1234ABCD", notification=None):
    d = {}
    if notification:
        d["Type"] = notification
    d.update({
        "SessionID": session, "CPOPartnerSessionID": "1234XYZ", "EMPPartnerSessionID": "9876655",
        "PartnerProductID": "AC 1", "EvseID": evse,
        "Identification": {"RFIDMifareFamilyIdentification": {"UID": uid}},
        "ChargingStart": "2024-05-01T10:00:00Z", "ChargingEnd": "2024-05-01T11:00:00Z",
        "SessionStart": "2024-05-01T09:59:00Z", "SessionEnd": "2024-05-01T11:01:00Z",
        "ConsumedEnergy": consumed,
    })
    if values is not None:
        d["SignedMeteringValues"] = values
    info = {"CalibrationLawCertificateID": "PTB-X-X-XXXX : V1 : 01Jan2020",
            "MeteringSignatureUrl": "https://cpo.example/transparency.xml",
            "MeteringSignatureEncodingFormat": fmt,
            "SignedMeteringValuesVerificationInstruction": "Open the values in the transparency software."}
    if key is not None:
        info["PublicKey"] = key
    d["CalibrationLawVerificationInfo"] = info
    if notification:
        d["OperatorID"] = "DE*XYZ"
    else:
        d["HubOperatorID"] = "DE*XYZ"
        d["HubProviderID"] = "DE-DCB"
    return d


BSM_HEX = key_hex(BSM_B)
obsm = [oicp_smv("Start", rec(BSM_B)), oicp_smv("End", rec(BSM_E))]
write("oicp_cdr_base64.json", pretty(oicp_cdr("b2c3d4e5-0001", obsm, 0.15, key=BSM_HEX)))
# The specification's own example names "UTF-8" as the encoding format.
write("oicp_cdr_raw_no_key.json", pretty(oicp_cdr(
    "b2c3d4e5-0002", [oicp_smv("Start", rec(DZG_B), "raw"), oicp_smv("End", rec(DZG_E), "raw")],
    0, fmt="UTF-8", evse="DE*XYZ*ETEST2")))
write("oicp_cdr_single_be.json", pretty(oicp_cdr(
    "b2c3d4e5-0003", [oicp_smv("End", rec(WEB))], num("0.000"), key=key_hex(WEB))))
write("oicp_cdr_tampered.json", pretty(oicp_cdr(
    "b2c3d4e5-0004", [oicp_smv("Start", rec(BSM_B)), oicp_smv("End", tampered(rec(BSM_E)))],
    0.151, key=BSM_HEX)))
write("oicp_cdr_billed_mismatch.json", pretty(oicp_cdr(
    "b2c3d4e5-0005", [oicp_smv("End", rec(WEB))], 0.001, key=key_hex(WEB))))
write("oicp_cdr_missing_end.json", pretty(oicp_cdr(
    "b2c3d4e5-0006", [oicp_smv("Start", rec(BSM_B))], 0.15, key=BSM_HEX)))
mennekes = oicp_cdr("b2c3d4e5-0007", [{"SignedMeteringValue": "4D454E4E454B45530102030405",
                                        "MeteringStatus": "End"}],
                    3.5, key="04AABB", fmt="chargeIT Mobility: V1")
opage = {"content": [oicp_cdr("b2c3d4e5-0001", obsm, 0.15, key=BSM_HEX), mennekes,
                     oicp_cdr("b2c3d4e5-0003", [oicp_smv("End", rec(WEB), "raw")], num("0.0001"),
                              key=key_hex(WEB), evse="DE*XYZ*ETEST3")],
         "number": 0, "size": 20, "totalElements": 3, "last": True, "totalPages": 1,
         "first": True, "numberOfElements": 3, "StatusCode": None}
write("oicp_cdrs_page.json", pretty(opage))
start_note = {"Type": "Start", "SessionID": "b2c3d4e5-0008", "EvseID": "DE*XYZ*ETEST1",
              "ChargingStart": "2024-05-01T10:00:00Z", "MeterValueStart": 0, "OperatorID": "DE*XYZ"}
write("oicp_notifications.jsonl", "\n".join([
    line(start_note),
    line(oicp_cdr("b2c3d4e5-0008", obsm, 0.15, key=BSM_HEX, notification="End")),
    '{"Type": "End", "SessionID": "b2c3d4e5-0009", "EvseID": ',
    line(oicp_cdr("b2c3d4e5-0010", None, 1.0, notification="End")),
]) + "\n")
broken = pretty(oicp_cdr("b2c3d4e5-0001", obsm, 0.15, key=BSM_HEX))
lines = broken.split("\n")
i = next(n for n, l in enumerate(lines) if '"PartnerProductID"' in l)
lines[i] = lines[i].rstrip(",")
write("oicp_cdr_malformed.json", "\n".join(lines))

# --- a registry for the meters above -----------------------------------------


def serial(i):
    p = json.loads(payload(rec(i)))
    return p.get("MS") or p.get("GS")


write("registry.csv", "meter_serial,public_key,source\n" + "".join(
    f"{serial(i)},{key_hex(i)},test registry\n" for i in (BSM_B, DZG_B, LEM)))
