// The operations every client needs before any mail: ConvertId, ResolveNames and
// GetServerTimeZones, through ews-javascript-api and raw SOAP, every response schema-validated.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AlternateId, ConnectingIdType, IdFormat, ResolveNameSearchLocation } from 'ews-javascript-api';
import { encodeFolderId, encodeItemId } from '../../src/protocols/ews/ids.ts';
import { issueAppToken } from '../../src/services/oauth/tokens.ts';
import { messagesNs, typesNs } from '../../src/protocols/ews/namespaces.ts';
import { child, children } from '../../src/protocols/ews/xml/parse.ts';
import { assertRecordedResponsesValid, basicAuth, ewsService, rawEws, responseCodesOf, startEwsServer, type EwsServer } from '../helpers/ews.ts';

describe('EWS directory and id operations', () => {
  let ews: EwsServer;
  let alice: string;
  before(async () => {
    ews = await startEwsServer();
    alice = basicAuth('alice@contoso.com', ews.password);
    await ews.admin.invoke('New-RoleGroup', { Name: 'Application Impersonation Group', Roles: ['ApplicationImpersonation'], Members: ['svc@contoso.com'] });
    await ews.admin.invoke('Set-User', { Identity: 'bob@contoso.com', FirstName: 'Bob', LastName: 'Berg', Title: 'Account manager', City: 'Oslo', Company: 'Contoso' });
    await ews.admin.invoke('New-Mailbox', { Name: 'ceo', DisplayName: 'Chief Executive', PrimarySmtpAddress: 'ceo@contoso.com', Password: ews.password });
    await ews.admin.invoke('Set-Mailbox', { Identity: 'ceo@contoso.com', HiddenFromAddressListsEnabled: true });
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  describe('ConvertId', () => {
    const convert = (auth: string, destination: string, ids: Array<{ format: string; id: string }>, header = '') =>
      rawEws(
        ews.ewsUrl,
        auth,
        `<m:ConvertId DestinationFormat="${destination}"><m:SourceIds>${ids.map((i) => `<t:AlternateId Format="${i.format}" Id="${i.id}" Mailbox="blah@blah.com"/>`).join('')}</m:SourceIds></m:ConvertId>`,
        header,
      );
    const alternateOf = (response: Awaited<ReturnType<typeof convert>>, index: number) => child(response.messages[index].element, messagesNs, 'AlternateId')?.attrs;

    it('converts Deputy ids between every format and back, naming the acting mailbox, one message per id in order', async () => {
      const folder = encodeFolderId({ id: randomUUID() });
      const item = encodeItemId({ id: randomUUID() });
      for (const destination of ['EwsId', 'EwsLegacyId', 'OwaId', 'EntryId', 'HexEntryId', 'StoreId']) {
        const there = await convert(alice, destination, [{ format: 'EwsId', id: folder }, { format: 'EwsId', id: 'DUMMY' }, { format: 'EwsLegacyId', id: item }]);
        assert.deepEqual(responseCodesOf(there), ['NoError', 'ErrorInvalidIdMalformed', 'NoError']);
        assert.equal(alternateOf(there, 0)?.Mailbox, 'alice@contoso.com');
        assert.equal(alternateOf(there, 0)?.Format, destination);
        const back = await convert(alice, 'EwsId', [{ format: destination, id: alternateOf(there, 0)!.Id }, { format: destination, id: alternateOf(there, 2)!.Id }]);
        assert.deepEqual([alternateOf(back, 0)?.Id, alternateOf(back, 1)?.Id], [folder, item], destination);
      }
    });

    it('names the impersonated mailbox when there is one', async () => {
      const response = await convert(basicAuth('svc@contoso.com', ews.password), 'EwsId', [{ format: 'EwsId', id: encodeFolderId({ id: randomUUID() }) }], '<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>carol@contoso.com</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>');
      assert.equal(alternateOf(response, 0)?.Mailbox, 'carol@contoso.com');
    });

    it('works through ews-javascript-api', async () => {
      const service = ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: 'bob@contoso.com' });
      const id = encodeItemId({ id: randomUUID() });
      const converted = (await service.ConvertId(new AlternateId(IdFormat.EwsId, id, 'x@example.com'), IdFormat.HexEntryId)) as AlternateId;
      assert.equal(converted.Mailbox, 'bob@contoso.com');
      assert.equal(converted.Format, IdFormat.HexEntryId);
      const back = (await service.ConvertId(new AlternateId(IdFormat.HexEntryId, converted.UniqueId, 'x@example.com'), IdFormat.EwsId)) as AlternateId;
      assert.equal(back.UniqueId, id);
    });

    it('treats anything Deputy did not issue as malformed, and an unknown DestinationFormat as a schema error', async () => {
      const response = await convert(alice, 'EwsId', [
        { format: 'EwsId', id: '' },
        { format: 'EwsId', id: Buffer.from('I:not-a-uuid:1').toString('base64url') },
        { format: 'EwsId', id: Buffer.from(`I:${randomUUID()}:2`).toString('base64url') },
        { format: 'Bogus', id: encodeFolderId({ id: randomUUID() }) },
        { format: 'HexEntryId', id: 'ABC' },
        { format: 'EntryId', id: 'x'.repeat(500) },
      ]);
      assert.deepEqual(responseCodesOf(response), Array(6).fill('ErrorInvalidIdMalformed'));
      const fault = await convert(alice, 'Bogus', [{ format: 'EwsId', id: 'DUMMY' }]);
      assert.equal(fault.status, 500);
      assert.deepEqual(responseCodesOf(fault), ['ErrorSchemaValidation']);
    });
  });

  describe('ResolveNames', () => {
    const resolve = (entry: string, attrs = 'ReturnFullContactData="false"', auth = alice) => rawEws(ews.ewsUrl, auth, `<m:ResolveNames ${attrs}><m:UnresolvedEntry>${entry}</m:UnresolvedEntry></m:ResolveNames>`);
    const addresses = (response: Awaited<ReturnType<typeof resolve>>) => {
      const set = child(response.messages[0].element, messagesNs, 'ResolutionSet');
      return set ? children(set, typesNs, 'Resolution').map((r) => child(child(r, typesNs, 'Mailbox')!, typesNs, 'EmailAddress')?.text) : [];
    };

    it('resolves exact matches on alias, display name, SMTP address (with or without smtp:) and name parts', async () => {
      for (const entry of ['bob', 'Bob Berg', 'BOB@contoso.com', 'SMTP:bob@contoso.com', 'Berg', 'Berg, Bob']) {
        const response = await resolve(entry);
        assert.deepEqual(responseCodesOf(response), ['NoError'], entry);
        assert.deepEqual(addresses(response), ['bob@contoso.com'], entry);
      }
    });

    it('answers several prefix matches with a Warning listing them, and none with an Error (an empty list to clients)', async () => {
      const several = await resolve('a');
      assert.equal(several.messages[0].responseClass, 'Warning');
      assert.equal(several.messages[0].responseCode, 'ErrorNameResolutionMultipleResults');
      assert.deepEqual(addresses(several), ['admin@contoso.com', 'alice@contoso.com']);
      const none = await resolve('zebra');
      assert.equal(none.status, 200);
      assert.equal(none.messages[0].responseClass, 'Error');
      assert.equal(none.messages[0].responseCode, 'ErrorNameResolutionNoResults');
    });

    it('never resolves recipients hidden from address lists, users without a mailbox, or role groups', async () => {
      for (const entry of ['ceo', 'Chief Executive', 'ceo@contoso.com', 'svc', 'Organization Management', 'Administrator']) {
        const response = await resolve(entry);
        assert.ok(!addresses(response).includes('ceo@contoso.com'), entry);
        assert.ok(!addresses(response).some((a) => !a), entry);
      }
      assert.deepEqual(responseCodesOf(await resolve('ceo')), ['ErrorNameResolutionNoResults']);
    });

    it('returns directory attributes as a contact with ReturnFullContactData, and groups as PublicDL', async () => {
      const response = await resolve('bob', 'ReturnFullContactData="true"');
      const contact = child(child(child(response.messages[0].element, messagesNs, 'ResolutionSet')!, typesNs, 'Resolution')!, typesNs, 'Contact')!;
      const text = (name: string) => child(contact, typesNs, name)?.text;
      assert.equal(text('DisplayName'), 'Bob Berg');
      assert.equal(text('GivenName'), 'Bob');
      assert.equal(text('Surname'), 'Berg');
      assert.equal(text('JobTitle'), 'Account manager');
      assert.equal(text('Department'), 'Sales');
      assert.equal(text('CompanyName'), 'Contoso');
      assert.equal(text('ContactSource'), 'ActiveDirectory');
      assert.equal(child(child(contact, typesNs, 'EmailAddresses')!, typesNs, 'Entry')?.text, 'SMTP:bob@contoso.com');
      const group = await resolve('sales', 'ReturnFullContactData="true"');
      const mailbox = child(child(child(group.messages[0].element, messagesNs, 'ResolutionSet')!, typesNs, 'Resolution')!, typesNs, 'Mailbox')!;
      assert.equal(child(mailbox, typesNs, 'MailboxType')?.text, 'PublicDL');
    });

    it('searches only contact folders for SearchScope="Contacts", which hold no directory entries', async () => {
      assert.deepEqual(responseCodesOf(await resolve('bob', 'ReturnFullContactData="false" SearchScope="Contacts"')), ['ErrorNameResolutionNoResults']);
    });

    it('works through ews-javascript-api, including full contact data and no results', async () => {
      const service = ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: 'alice@contoso.com' });
      const found = await service.ResolveName('bob', ResolveNameSearchLocation.DirectoryThenContacts, true);
      assert.equal(found.Count, 1);
      assert.equal(found._getItem(0).Contact?.DisplayName, 'Bob Berg');
      assert.equal((await service.ResolveName('zebra')).Count, 0);
      assert.equal((await service.ResolveName('a')).Count, 2);
    });
  });

  describe('GetServerTimeZones', () => {
    it('returns full definitions for the ids asked for, in order', async () => {
      const response = await rawEws(ews.ewsUrl, alice, '<m:GetServerTimeZones ReturnFullTimeZoneData="true"><m:Ids><t:Id>W. Europe Standard Time</t:Id><t:Id>UTC</t:Id></m:Ids></m:GetServerTimeZones>');
      assert.deepEqual(responseCodesOf(response), ['NoError']);
      const zones = children(child(response.messages[0].element, messagesNs, 'TimeZoneDefinitions')!, typesNs, 'TimeZoneDefinition');
      assert.deepEqual(zones.map((z) => z.attrs.Id), ['W. Europe Standard Time', 'UTC']);
      const periods = children(child(zones[0], typesNs, 'Periods')!, typesNs, 'Period').map((p) => p.attrs.Bias);
      assert.deepEqual(periods, ['-P0DT1H0M0.0S', '-P0DT2H0M0.0S']);
      const group = child(child(zones[0], typesNs, 'TransitionsGroups')!, typesNs, 'TransitionsGroup')!;
      const toDaylight = group.children[0];
      assert.equal(toDaylight.local, 'RecurringDayTransition');
      assert.deepEqual(
        toDaylight.children.map((c) => c.text),
        ['Dlt', 'P0DT2H0M0.0S', '3', 'Sunday', '-1'],
      );
      assert.ok(child(zones[1], typesNs, 'Transitions'));
    });

    it('returns ids and names only with ReturnFullTimeZoneData="false", and ErrorTimeZone for an unknown id', async () => {
      const brief = await rawEws(ews.ewsUrl, alice, '<m:GetServerTimeZones ReturnFullTimeZoneData="false"/>');
      const zones = children(child(brief.messages[0].element, messagesNs, 'TimeZoneDefinitions')!, typesNs, 'TimeZoneDefinition');
      assert.ok(zones.length >= 4);
      for (const id of ['UTC', 'W. Europe Standard Time', 'Eastern Standard Time', 'Pacific Standard Time']) assert.ok(zones.some((z) => z.attrs.Id === id), id);
      assert.ok(zones.every((z) => z.children.length === 0));
      const unknown = await rawEws(ews.ewsUrl, alice, '<m:GetServerTimeZones><m:Ids><t:Id>Mars Standard Time</t:Id></m:Ids></m:GetServerTimeZones>');
      assert.deepEqual(responseCodesOf(unknown), ['ErrorTimeZone']);
    });

    it('works through ews-javascript-api, which turns each full definition into a TimeZoneInfo', async () => {
      const service = ewsService({ url: ews.url, user: 'alice@contoso.com' });
      // The library sends no Ids (it ignores its argument), so this is the whole list.
      const ids = [...(await service.GetServerTimeZones())].map((z) => z.Id);
      for (const id of ['UTC', 'W. Europe Standard Time', 'Eastern Standard Time', 'Pacific Standard Time', 'AUS Eastern Standard Time']) assert.ok(ids.includes(id), id);
    });
  });

  it('ews-javascript-api with an app-only bearer token (OAuthCredentials) impersonating a mailbox', async () => {
    const [sp] = (await ews.admin.invoke('New-ServicePrincipal', { DisplayName: 'Directory reader' })) as Array<Record<string, unknown>>;
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', App: String(sp.AppId) });
    const [credential] = (await ews.admin.invoke('New-ServicePrincipalCredential', { Identity: String(sp.AppId) })) as Array<Record<string, unknown>>;
    const { accessToken } = await issueAppToken(ews.runtime, { clientId: String(sp.AppId), clientSecret: String(credential.SecretText) });
    const service = ewsService({ url: ews.url, token: accessToken, impersonate: ews.runtime.state.model.lookup('bob@contoso.com')[0].sid, idType: ConnectingIdType.SID });
    assert.equal((await service.ResolveName('carol'))._getItem(0).Mailbox.Address, 'carol@contoso.com');
  });
});
