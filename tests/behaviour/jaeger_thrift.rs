//! Reads the Jaeger agent's UDP datagrams: a Thrift compact-protocol `emitBatch(Batch)` call
//! (jaeger-idl `agent.thrift` / `jaeger.thrift`). Only the fields the comparison needs are kept
//! (the process's service name and tags, each span's operation name and tags); every other
//! field is skipped by its wire type with the `thrift` crate's own reader.

use std::collections::BTreeMap;

use thrift::protocol::{TCompactInputProtocol, TInputProtocol, TType};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct JaegerBatch {
    pub service_name: String,
    pub process_tags: BTreeMap<String, String>,
    pub spans: Vec<JaegerSpan>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct JaegerSpan {
    pub operation_name: String,
    pub tags: BTreeMap<String, String>,
}

type Reader<'a> = TCompactInputProtocol<&'a [u8]>;

/// Calls `field` for every field of the struct at the reader, until its stop marker.
fn each_field(
    r: &mut Reader<'_>,
    mut field: impl FnMut(&mut Reader<'_>, i16, TType) -> thrift::Result<()>,
) -> thrift::Result<()> {
    r.read_struct_begin()?;
    loop {
        let f = r.read_field_begin()?;
        if f.field_type == TType::Stop {
            break;
        }
        field(r, f.id.unwrap_or_default(), f.field_type)?;
        r.read_field_end()?;
    }
    r.read_struct_end()
}

fn each_element(
    r: &mut Reader<'_>,
    mut element: impl FnMut(&mut Reader<'_>) -> thrift::Result<()>,
) -> thrift::Result<()> {
    let list = r.read_list_begin()?;
    for _ in 0..list.size {
        element(r)?;
    }
    r.read_list_end()
}

/// A `Tag` (key, vType, then one of vStr, vDouble, vBool, vLong, vBinary) as key and text.
fn tag(r: &mut Reader<'_>) -> thrift::Result<(String, String)> {
    let (mut key, mut value) = (String::new(), String::new());
    each_field(r, |r, id, ty| {
        match (id, ty) {
            (1, TType::String) => key = r.read_string()?,
            (3, TType::String) => value = r.read_string()?,
            (4, TType::Double) => value = r.read_double()?.to_string(),
            (5, TType::Bool) => value = r.read_bool()?.to_string(),
            (6, TType::I64) => value = r.read_i64()?.to_string(),
            (7, TType::String) => value = format!("{:?}", r.read_bytes()?),
            _ => r.skip(ty)?,
        }
        Ok(())
    })?;
    Ok((key, value))
}

fn tags(r: &mut Reader<'_>, into: &mut BTreeMap<String, String>) -> thrift::Result<()> {
    each_element(r, |r| {
        let (k, v) = tag(r)?;
        into.insert(k, v);
        Ok(())
    })
}

fn span(r: &mut Reader<'_>) -> thrift::Result<JaegerSpan> {
    let mut span = JaegerSpan::default();
    each_field(r, |r, id, ty| {
        match (id, ty) {
            (5, TType::String) => span.operation_name = r.read_string()?,
            (10, TType::List) => tags(r, &mut span.tags)?,
            _ => r.skip(ty)?,
        }
        Ok(())
    })?;
    Ok(span)
}

fn batch(r: &mut Reader<'_>, out: &mut JaegerBatch) -> thrift::Result<()> {
    each_field(r, |r, id, ty| {
        match (id, ty) {
            (1, TType::Struct) => each_field(r, |r, id, ty| {
                match (id, ty) {
                    (1, TType::String) => out.service_name = r.read_string()?,
                    (2, TType::List) => tags(r, &mut out.process_tags)?,
                    _ => r.skip(ty)?,
                }
                Ok(())
            })?,
            (2, TType::List) => each_element(r, |r| {
                out.spans.push(span(r)?);
                Ok(())
            })?,
            _ => r.skip(ty)?,
        }
        Ok(())
    })
}

/// Decodes one datagram; an error names what is not an `emitBatch` call.
pub fn decode_emit_batch(datagram: &[u8]) -> Result<JaegerBatch, String> {
    let mut r = TCompactInputProtocol::new(datagram);
    let message = r.read_message_begin().map_err(|e| e.to_string())?;
    if message.name != "emitBatch" {
        return Err(format!("a Thrift call `{}`, not `emitBatch`", message.name));
    }
    let mut out = JaegerBatch::default();
    each_field(&mut r, |r, id, ty| match (id, ty) {
        (1, TType::Struct) => batch(r, &mut out),
        _ => r.skip(ty),
    })
    .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod datagrams {
    use super::decode_emit_batch;

    #[test]
    fn another_call_or_a_cut_datagram_is_an_error() {
        // Compact protocol: id 0x82, call type and version 1, sequence 1, name "ping", an
        // empty argument struct.
        let ping = b"\x82\x21\x01\x04ping\x00";
        assert_eq!(
            decode_emit_batch(ping),
            Err("a Thrift call `ping`, not `emitBatch`".to_string())
        );
        let cut = b"\x82\x21\x01\x09emitBatch\x1c";
        assert!(decode_emit_batch(cut).is_err());
    }
}
