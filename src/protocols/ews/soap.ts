// The SOAP 1.1 envelope: reading the EWS headers and the one operation element of a request, and
// writing responses and faults, each with the same ServerVersionInfo (exchangelib re-reads it on
// every response and needs all four numbers; a fault without it sends its version probe astray).
import type { ConnectingSid, ConnectingSidType } from '../../services/impersonation.ts';
import { EwsError } from './errors.ts';
import { soap12Ns, soapNs, typesNs } from './namespaces.ts';
import { child, type XmlElement } from './xml/parse.ts';
import { declare, XmlWriter } from './xml/writer.ts';

export interface RequestHeader {
  /** RequestServerVersion@Version as sent (never validated), or null when absent. */
  requestServerVersion: string | null;
  impersonation: ConnectingSid | null;
  /** TimeZoneContext/TimeZoneDefinition@Id, or null. */
  timeZoneId: string | null;
}

export interface SoapRequest {
  header: RequestHeader;
  /** The single child of soap:Body, e.g. m:GetFolder. */
  operation: XmlElement;
}

/** Constant on purpose: 15.1 with Version Exchange2016 makes exchangelib send Exchange2016, which the schema knows. */
export const serverVersionInfo = { MajorVersion: '15', MinorVersion: '1', MajorBuildNumber: '2507', MinorBuildNumber: '6', Version: 'Exchange2016' } as const;

const connectingSidTypes: readonly ConnectingSidType[] = ['PrimarySmtpAddress', 'SmtpAddress', 'PrincipalName', 'SID'];

/** Reads an envelope; throws EwsError (ErrorInvalidRequest, or the impersonation header codes). */
export function readEnvelope(root: XmlElement): SoapRequest {
  if (root.local !== 'Envelope' || root.ns !== soapNs) {
    const why = root.ns === soap12Ns ? 'SOAP 1.2 is not supported; send a SOAP 1.1 envelope' : `expected a SOAP 1.1 Envelope (${soapNs}), found <${root.name}>`;
    throw new EwsError('ErrorInvalidRequest', `The request is invalid: ${why}.`);
  }
  const body = child(root, soapNs, 'Body');
  if (!body) throw new EwsError('ErrorInvalidRequest', 'The request is invalid: the SOAP envelope has no Body.');
  if (body.children.length !== 1) {
    throw new EwsError('ErrorInvalidRequest', `The request is invalid: the SOAP Body must hold exactly one operation element, not ${body.children.length}.`);
  }
  const headerEl = child(root, soapNs, 'Header');
  return { header: headerEl ? readHeader(headerEl) : { requestServerVersion: null, impersonation: null, timeZoneId: null }, operation: body.children[0] };
}

function readHeader(headerEl: XmlElement): RequestHeader {
  const header: RequestHeader = { requestServerVersion: null, impersonation: null, timeZoneId: null };
  let impersonationHeaders = 0;
  // Unknown headers (MailboxCulture, DateTimePrecision, ManagementRole, …) are ignored, and so are
  // the ones Exchange honours only between its own servers (SerializedSecurityContext, OpenAsAdminOrSystemService).
  for (const h of headerEl.children) {
    if (h.ns !== typesNs) continue;
    switch (h.local) {
      case 'RequestServerVersion':
        header.requestServerVersion = h.attrs.Version ?? null;
        break;
      case 'ExchangeImpersonation':
        if (++impersonationHeaders > 1) throw new EwsError('ErrorDuplicateSOAPHeader', 'The request carries more than one ExchangeImpersonation header.');
        header.impersonation = readImpersonation(h);
        break;
      case 'TimeZoneContext': {
        const id = child(h, typesNs, 'TimeZoneDefinition')?.attrs.Id?.trim();
        header.timeZoneId = id || null;
        break;
      }
    }
  }
  return header;
}

function readImpersonation(h: XmlElement): ConnectingSid {
  const sid = child(h, typesNs, 'ConnectingSID');
  const ids = sid ? sid.children.filter((c) => c.ns === typesNs && (connectingSidTypes as readonly string[]).includes(c.local)) : [];
  if (ids.length > 1) {
    throw new EwsError('ErrorMoreThanOneAccessModeSpecified', `The ExchangeImpersonation header names more than one user (${ids.map((c) => c.local).join(', ')}). Send exactly one identifier.`);
  }
  const value = ids[0]?.text.trim();
  if (!value) {
    throw new EwsError(
      'ErrorInvalidExchangeImpersonationHeaderData',
      'The ExchangeImpersonation header must name one user in ConnectingSID: PrimarySmtpAddress, SmtpAddress, PrincipalName or SID, with a non-empty value.',
    );
  }
  return { type: ids[0].local as ConnectingSidType, value };
}

// --- responses ----------------------------------------------------------------------------------

/** Starts a response: XML declaration, Envelope, Header with ServerVersionInfo, and an open Body. */
export function beginResponse(): XmlWriter {
  const out = new XmlWriter();
  out.raw('<?xml version="1.0" encoding="utf-8"?>');
  out.open('s:Envelope', declare('s'));
  writeServerVersionHeader(out);
  out.open('s:Body');
  return out;
}

/** Closes Body and Envelope and returns the document. */
export function endResponse(out: XmlWriter): string {
  out.close().close();
  return out.toString();
}

/** Closes Body and Envelope and returns the document as UTF-8 bytes, ready to send (see XmlWriter.toBuffer). */
export function endResponseBytes(out: XmlWriter): Buffer {
  out.close().close();
  return out.toBuffer();
}

function writeServerVersionHeader(out: XmlWriter): void {
  out.open('s:Header').leaf('h:ServerVersionInfo', { 'xmlns:h': typesNs, ...serverVersionInfo }).close();
}

/**
 * A SOAP fault as Exchange writes it ([MS-OXWUMS] 2.2.2.1): unqualified faultcode/faultstring/
 * detail (exchangelib looks them up by plain name), detail/e:ResponseCode + e:Message, and any
 * MessageXml values. Sent with HTTP 500: the EWS Managed API parses faults only then.
 */
export function faultResponse(error: EwsError): string {
  const out = beginResponse();
  out
    .open('s:Fault')
    .leaf('faultcode', { 'xmlns:a': typesNs }, `a:${error.code}`)
    .leaf('faultstring', { 'xml:lang': 'en-US' }, error.message)
    .open('detail')
    .leaf('e:ResponseCode', declare('e'), error.code)
    .leaf('e:Message', declare('e'), error.message);
  if (error.messageXml.length) {
    out.open('t:MessageXml', declare('t'));
    for (const v of error.messageXml) out.leaf('t:Value', { Name: v.name }, v.value);
    out.close();
  }
  out.close().close();
  return endResponse(out);
}
