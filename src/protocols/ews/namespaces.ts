// The XML namespaces EWS uses. Requests are matched by these URIs, never by prefix (clients use
// s:/soap:/soap11: and different prefix sets); responses use the customary prefixes below.

export const soapNs = 'http://schemas.xmlsoap.org/soap/envelope/';
export const messagesNs = 'http://schemas.microsoft.com/exchange/services/2006/messages';
export const typesNs = 'http://schemas.microsoft.com/exchange/services/2006/types';
export const errorsNs = 'http://schemas.microsoft.com/exchange/services/2006/errors';
export const xsiNs = 'http://www.w3.org/2001/XMLSchema-instance';
/** SOAP 1.2, recognised only to reject it with a clear message. */
export const soap12Ns = 'http://www.w3.org/2003/05/soap-envelope';

/** The prefixes responses declare, by prefix. */
export const responsePrefixes = { s: soapNs, m: messagesNs, t: typesNs, e: errorsNs, xsi: xsiNs } as const;
export type ResponsePrefix = keyof typeof responsePrefixes;
