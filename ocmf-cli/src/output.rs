//! What the commands print: verdict lines, record tables, session
//! summaries, transport errors; and the exit code of a set of verdicts.

use std::io::{self, Write};

use ocmf_core::ExactDecimal;
use ocmf_core::registry::Trust;
use ocmf_core::session::{
    BilledEnergy, Energy, SessionFinding, SessionReport, SessionTime, SessionVerdict,
};
use ocmf_core::transport::TransportError;
use ocmf_core::{Lang, Report, Severity, Text, Verdict};

use crate::{EXIT_INVALID, EXIT_MALFORMED};

/// 0 for a valid session, 1 for an invalid one, else 2.
pub(crate) fn session_exit(v: SessionVerdict) -> u8 {
    match v {
        SessionVerdict::Valid => 0,
        SessionVerdict::Invalid => EXIT_INVALID,
        _ => EXIT_MALFORMED,
    }
}

/// `record N: verdict — message`, then the findings from warnings up, and
/// the key's trust when the record was checked against a registry.
pub(crate) fn print_human(
    out: &mut impl Write,
    n: usize,
    report: &Report<'_>,
    lang: Lang,
) -> io::Result<()> {
    let msg = report.error.map_or_else(
        || report.verdict.explain(lang).to_owned(),
        |e| e.message(lang),
    );
    writeln!(out, "record {n}: {} — {msg}", report.verdict)?;
    if report.verdict != Verdict::Valid {
        writeln!(out, "  {}", report.verdict.explain(lang))?;
    }
    for f in &report.findings {
        if f.severity >= Severity::Warning {
            writeln!(
                out,
                "  [{}] {}: {}",
                f.severity.as_str(),
                f.code.name(),
                f.message(lang)
            )?;
        }
    }
    print_trust(out, report, lang)
}

fn text(x: Option<&Text<'_>>) -> String {
    x.map_or_else(|| "-".to_owned(), |t| t.as_str().to_owned())
}

/// A readable table of one record: meter, gateway, identification,
/// readings (carried forward) and every finding.
pub(crate) fn print_table(
    out: &mut impl Write,
    n: usize,
    report: &Report<'_>,
    lang: Lang,
) -> io::Result<()> {
    let de = lang == Lang::De;
    writeln!(
        out,
        "== record {n}: {} ({})",
        report.verdict,
        report.code().name()
    )?;
    if let Some(rec) = &report.record {
        let p = &rec.payload;
        let t = |x: &Option<Text<'_>>| text(x.as_ref());
        writeln!(
            out,
            "  {}: {} {} serial {} fw {}",
            if de { "Zähler" } else { "meter" },
            t(&p.meter_vendor),
            t(&p.meter_model),
            t(&p.meter_serial),
            t(&p.meter_firmware)
        )?;
        writeln!(
            out,
            "  gateway: {} serial {} version {}",
            t(&p.gateway_id),
            t(&p.gateway_serial),
            t(&p.gateway_version)
        )?;
        writeln!(
            out,
            "  FV {}  PG {}  algorithm {}",
            t(&p.format_version),
            t(&p.pagination),
            report.algorithm.map_or("-", |a| a.sa())
        )?;
        writeln!(
            out,
            "  {}: IS {:?} IL {} IT {} ID {}",
            if de {
                "Identifikation"
            } else {
                "identification"
            },
            p.user_assigned,
            t(&p.identification_level),
            t(&p.identification_type),
            t(&p.identification_data)
        )?;
        writeln!(
            out,
            "  {:<32} {:<3} {:>16} {:<5} {:<20} {:<3} {:<2} EF",
            "TM", "TX", "RV", "RU", "RI", "ST", "RT"
        )?;
        for r in p.resolved_readings() {
            writeln!(
                out,
                "  {:<32} {:<3} {:>16} {:<5} {:<20} {:<3} {:<2} {}",
                t(&r.time),
                t(&r.reason),
                r.value
                    .map_or_else(|| "-".to_owned(), |v| v.as_str().trim().to_owned()),
                t(&r.unit),
                t(&r.obis),
                t(&r.status),
                t(&r.current_type),
                t(&r.error_flags)
            )?;
        }
    }
    for f in &report.findings {
        writeln!(
            out,
            "  [{}] {} ({}): {}",
            f.severity.as_str(),
            f.code.name(),
            f.code.code(),
            f.message(lang)
        )?;
    }
    print_trust(out, report, lang)
}

/// `key: trust fingerprint — explanation`, for a record checked against a
/// registry (nothing otherwise).
fn print_trust(out: &mut impl Write, report: &Report<'_>, lang: Lang) -> io::Result<()> {
    let Some(t) = &report.trust else {
        return Ok(());
    };
    let label = if lang == Lang::De {
        "Schlüssel"
    } else {
        "key"
    };
    writeln!(
        out,
        "  {label}: {} {} — {}",
        t.trust.as_str(),
        t.key_fingerprint.as_deref().unwrap_or("-"),
        t.trust.explain(lang)
    )
}

/// Prints what could not be read (JSON lines on `out`, or text on standard
/// error); returns whether there was anything.
pub(crate) fn print_errors(
    errors: &[TransportError],
    path: &str,
    json: bool,
    out: &mut impl Write,
) -> io::Result<bool> {
    for e in errors {
        if json {
            let v = serde_json::json!({
                "verdict": "malformed",
                "code": e.code.code(),
                "code_name": e.code.name(),
                "file": path,
                "line": e.line,
                "message": e.message,
            });
            writeln!(out, "{v}")?;
        } else {
            eprintln!("ocmf: {path}: {e}");
        }
    }
    Ok(!errors.is_empty())
}

/// What an OCMF session and a session in another format print alike.
struct Summary<'a> {
    verdict: SessionVerdict,
    meter: Option<&'a str>,
    energy: Option<&'a Energy>,
    billed: Option<&'a BilledEnergy>,
    start: Option<&'a SessionTime>,
    end: Option<&'a SessionTime>,
    duration: Option<ExactDecimal>,
    trust: Option<&'a Trust>,
    findings: &'a [SessionFinding],
}

impl Summary<'_> {
    /// The verdict line, meter, energy, billed energy, times and key; then
    /// the session's own lines (`items`: its records or values); then the
    /// findings from warnings up.
    fn print<W: Write>(
        &self,
        out: &mut W,
        title: &str,
        lang: Lang,
        items: impl FnOnce(&mut W) -> io::Result<()>,
    ) -> io::Result<()> {
        let de = lang == Lang::De;
        let word = |en: &'static str, de_word: &'static str| if de { de_word } else { en };
        writeln!(
            out,
            "{title}: {} — {}",
            self.verdict,
            self.verdict.explain(lang)
        )?;
        if let Some(m) = self.meter {
            writeln!(out, "  {}: {m}", word("meter", "Zähler"))?;
        }
        if let Some(e) = self.energy {
            let register = e
                .register
                .as_deref()
                .map_or_else(String::new, |r| format!(", {r}"));
            let energy = word("energy", "Energie");
            writeln!(out, "  {energy}: {} kWh ({} Wh){register}", e.kwh, e.wh)?;
        }
        if let Some(b) = self.billed {
            let signed = b
                .signed_kwh
                .map_or_else(|| "-".to_owned(), |k| format!("{k} kWh"));
            let agrees = match b.agrees {
                Some(true) => word("agrees", "stimmt überein"),
                Some(false) => word("DIFFERS", "WEICHT AB"),
                None => word("not comparable", "nicht vergleichbar"),
            };
            let (billed, signed_word) = (word("billed", "abgerechnet"), word("signed", "signiert"));
            writeln!(
                out,
                "  {billed}: {} kWh, {signed_word}: {signed} — {agrees}",
                b.billed_kwh
            )?;
        }
        if let (Some(a), Some(b)) = (self.start, self.end) {
            writeln!(out, "  {}: {} → {}", word("time", "Zeit"), a.text, b.text)?;
        }
        if let Some(d) = &self.duration {
            writeln!(out, "  {}: {d} s", word("duration", "Dauer"))?;
        }
        if let Some(t) = self.trust {
            let key = word("key", "Schlüssel");
            writeln!(out, "  {key}: {} — {}", t.as_str(), t.explain(lang))?;
        }
        items(out)?;
        for f in self
            .findings
            .iter()
            .filter(|f| f.finding.severity >= Severity::Warning)
        {
            let detail = f
                .detail
                .as_deref()
                .map_or_else(String::new, |d| format!(" {d}"));
            let (sev, code) = (f.finding.severity.as_str(), f.finding.code);
            let msg = f.message(lang);
            writeln!(
                out,
                "  [{sev}] {} ({}){detail}: {msg}",
                code.name(),
                code.code()
            )?;
        }
        Ok(())
    }
}

/// An OCMF session: the summary, and each record's verdict.
pub(crate) fn print_session(
    out: &mut impl Write,
    title: &str,
    s: &SessionReport<'_>,
    lang: Lang,
) -> io::Result<()> {
    let summary = Summary {
        verdict: s.verdict,
        meter: s.meter_serial.as_deref(),
        energy: s.energy.as_ref(),
        billed: s.billed.as_ref(),
        start: s.start.as_ref(),
        end: s.end.as_ref(),
        duration: s.duration_seconds(),
        trust: s.trust.as_ref(),
        findings: &s.findings,
    };
    summary.print(out, title, lang, |out| {
        for r in &s.records {
            writeln!(
                out,
                "  record {}{}: {} ({})",
                r.index + 1,
                r.label.map_or_else(String::new, |l| format!(" [{l}]")),
                r.checked.verdict,
                r.checked.code().name()
            )?;
        }
        Ok(())
    })
}

/// A session in another format: the summary, and each value's verdict.
pub(crate) fn print_format_session(
    out: &mut impl Write,
    s: &ocmf_core::formats::FormatSession,
    lang: Lang,
) -> io::Result<()> {
    let summary = Summary {
        verdict: s.verdict,
        meter: s.meter_serial.as_deref(),
        energy: s.energy.as_ref(),
        billed: None,
        start: s.start.as_ref(),
        end: s.end.as_ref(),
        duration: s.duration_seconds(),
        trust: s.trust.as_ref(),
        findings: &s.findings,
    };
    let title = format!("{} session", s.format.map_or("?", |f| f.as_str()));
    let name = if lang == Lang::De { "Wert" } else { "value" };
    summary.print(out, &title, lang, |out| {
        for v in &s.values {
            let copy = v
                .duplicate_of
                .map_or_else(String::new, |d| format!(" = value {}", d + 1));
            let (verdict, code) = (v.check.verdict(), v.check.code());
            writeln!(out, "  {name} {}: {verdict} ({code}){copy}", v.index + 1)?;
        }
        Ok(())
    })
}

/// One value in another format: its verdict line (format, key and where it
/// came from, trust), and with `table` its readings and findings.
pub(crate) fn print_format(
    out: &mut impl Write,
    check: &ocmf_core::formats::FormatCheck,
    table: bool,
    lang: Lang,
) -> io::Result<()> {
    let de = lang == Lang::De;
    let format = check.format.map_or("?", |f| f.as_str());
    let msg = check.error.as_ref().map_or_else(
        || check.verdict().explain(lang).to_owned(),
        |e| e.message(lang).to_owned(),
    );
    writeln!(
        out,
        "{format}: {} ({}) — {msg}",
        check.verdict(),
        check.code()
    )?;
    if let Some(e) = &check.error {
        if !e.field.is_empty() {
            writeln!(out, "  {}: {}", if de { "Feld" } else { "field" }, e.field)?;
        }
    }
    if let Some((sec1, origin)) = &check.report.key {
        let curve = check.report.curve.map_or("?", |c| c.name());
        let key = if de { "Schlüssel" } else { "key" };
        writeln!(out, "  {key} ({}, {curve}): {sec1}", origin.as_str())?;
    }
    if let Some(t) = &check.trust {
        writeln!(
            out,
            "  trust: {} — {}",
            t.trust.as_str(),
            t.trust.explain(lang)
        )?;
    }
    let Some(value) = &check.value else {
        return Ok(());
    };
    if !table {
        return Ok(());
    }
    let meter = if de { "Zähler" } else { "meter" };
    writeln!(out, "  {meter}: {}", value.meter_serial)?;
    if let Some(t) = &value.transaction {
        writeln!(out, "  transaction: {t}")?;
    }
    for r in &value.readings {
        let time = r.time.map_or_else(
            || "-".to_owned(),
            |t| format!("{} UTC s ({})", t.utc_seconds, t.status.letter()),
        );
        let signed = if r.signed { "" } else { " [not signed]" };
        let obis = r.obis.as_deref().unwrap_or("-");
        writeln!(
            out,
            "  {:12} {time:28} {obis:16} {} {}{signed}",
            r.kind.as_str(),
            r.value,
            r.unit
        )?;
    }
    for f in &value.findings {
        let how = if f.rejects { "error" } else { "note" };
        writeln!(out, "  [{how}] {}: {}", f.code, f.detail)?;
    }
    Ok(())
}
