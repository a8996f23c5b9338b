// Raw SOAP on calendar items beyond creating them: UpdateItem on a whole item (fields, attendees,
// recurrence) and its errors, OccurrenceItemId by instance index, FindItem without CalendarView
// listing t:CalendarItem, MimeContent of a meeting, and the errors of meeting responses.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { assertRecordedResponsesValid, basicAuth, rawEws, responseCodesOf, startEwsServer, type EwsServer } from '../helpers/ews.ts';

const impersonate = (who: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${who}@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;
const folder = (id: string) => `<t:DistinguishedFolderId Id="${id}"/>`;
const set = (uri: string, value: string) => `<t:SetItemField><t:FieldURI FieldURI="${uri}"/><t:CalendarItem>${value}</t:CalendarItem></t:SetItemField>`;

describe('calendar item changes over raw SOAP', () => {
  let ews: EwsServer;
  const call = (who: string, body: string) => rawEws(ews.ewsUrl, basicAuth('svc@contoso.com'), body, impersonate(who));
  const create = async (who: string, fields: string, send = 'SendToNone') => {
    const response = await call(who, `<m:CreateItem SendMeetingInvitations="${send}"><m:Items><t:CalendarItem>${fields}</t:CalendarItem></m:Items></m:CreateItem>`);
    const id = /<t:ItemId Id="([^"]+)" ChangeKey="([^"]+)"/.exec(response.body);
    assert.ok(id, response.body);
    return { id: id[1]!, changeKey: id[2]! };
  };
  const update = (who: string, id: string, updates: string, mode = 'SendToNone') =>
    call(who, `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="${mode}"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}"/><t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`);
  const get = (who: string, idXml: string, extra = '') =>
    call(who, `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape>${extra}</m:ItemShape><m:ItemIds>${idXml}</m:ItemIds></m:GetItem>`);

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
  });
  after(() => ews.close());
  afterEach(() => assertRecordedResponsesValid());

  it('UpdateItem changes subject, location, times, free/busy, reminder, categories, recurrence and attendees of a whole item', async () => {
    const { id } = await create('alice', '<t:Subject>Plan</t:Subject><t:Start>2027-09-06T08:00:00Z</t:Start><t:End>2027-09-06T09:00:00Z</t:End>');
    const changed = await update(
      'alice',
      id,
      set('item:Subject', '<t:Subject>Plan v2</t:Subject>') +
        set('calendar:Location', '<t:Location>Room 9</t:Location>') +
        set('calendar:Start', '<t:Start>2027-09-06T10:00:00Z</t:Start>') +
        set('calendar:End', '<t:End>2027-09-06T11:30:00Z</t:End>') +
        set('calendar:LegacyFreeBusyStatus', '<t:LegacyFreeBusyStatus>OOF</t:LegacyFreeBusyStatus>') +
        set('item:ReminderMinutesBeforeStart', '<t:ReminderMinutesBeforeStart>30</t:ReminderMinutesBeforeStart>') +
        set('item:Categories', '<t:Categories><t:String>Blue</t:String></t:Categories>') +
        set('calendar:Recurrence', '<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2027-09-06</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>'),
    );
    assert.deepEqual(responseCodesOf(changed), ['NoError']);
    const body = (await get('alice', `<t:ItemId Id="${id}"/>`)).body;
    for (const expected of ['<t:Subject>Plan v2</t:Subject>', '<t:Location>Room 9</t:Location>', '<t:Start>2027-09-06T10:00:00Z</t:Start>', '<t:End>2027-09-06T11:30:00Z</t:End>', '<t:LegacyFreeBusyStatus>OOF</t:LegacyFreeBusyStatus>', '<t:ReminderMinutesBeforeStart>30</t:ReminderMinutesBeforeStart>', '<t:String>Blue</t:String>', '<t:CalendarItemType>RecurringMaster</t:CalendarItemType>', '<t:NumberOfOccurrences>3</t:NumberOfOccurrences>']) {
      assert.ok(body.includes(expected), `${expected} in ${body}`);
    }
    // The third occurrence by instance index; a fourth does not exist.
    const third = await get('alice', `<t:OccurrenceItemId RecurringMasterId="${id}" InstanceIndex="3"/>`);
    assert.match(third.body, /<t:Start>2027-09-08T10:00:00Z<\/t:Start>/);
    assert.deepEqual(responseCodesOf(await get('alice', `<t:OccurrenceItemId RecurringMasterId="${id}" InstanceIndex="4"/>`)), ['ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange']);

    // Adding an attendee makes it a meeting alice organizes; SendToNone invites nobody yet.
    const invited = await update('alice', id, `<t:AppendToItemField><t:FieldURI FieldURI="calendar:RequiredAttendees"/><t:CalendarItem><t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees></t:CalendarItem></t:AppendToItemField>`);
    assert.deepEqual(responseCodesOf(invited), ['NoError']);
    const meeting = (await get('alice', `<t:ItemId Id="${id}"/>`)).body;
    assert.match(meeting, /<t:IsMeeting>true<\/t:IsMeeting>/);
    assert.match(meeting, /<t:Organizer><t:Mailbox><t:Name>[^<]*<\/t:Name><t:EmailAddress>alice@contoso.com<\/t:EmailAddress>/);
    assert.match(meeting, /<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>bob@contoso.com<\/t:EmailAddress>.*<t:ResponseType>Unknown<\/t:ResponseType>/);
    const bobInbox = await call('bob', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folder('inbox')}</m:ParentFolderIds></m:FindItem>`);
    assert.doesNotMatch(bobInbox.body, /MeetingRequest/);
    // Sending the update now invites bob.
    assert.deepEqual(responseCodesOf(await update('alice', id, set('item:Subject', '<t:Subject>Plan v3</t:Subject>'), 'SendToAllAndSaveCopy')), ['NoError']);
    const after = await call('bob', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folder('inbox')}</m:ParentFolderIds></m:FindItem>`);
    assert.match(after.body, /<t:MeetingRequest>.*<t:Subject>Plan v3<\/t:Subject>/);
  });

  it('answers specific errors for bad updates, and changes nothing', async () => {
    const { id } = await create('alice', '<t:Subject>Fixed</t:Subject><t:Start>2027-09-10T08:00:00Z</t:Start><t:End>2027-09-10T09:00:00Z</t:End>');
    assert.deepEqual(responseCodesOf(await update('alice', id, set('calendar:End', '<t:End>2027-09-10T07:00:00Z</t:End>'))), ['ErrorCalendarEndDateIsEarlierThanStartDate']);
    assert.deepEqual(responseCodesOf(await update('alice', id, set('calendar:LegacyFreeBusyStatus', '<t:LegacyFreeBusyStatus>Sleeping</t:LegacyFreeBusyStatus>'))), ['ErrorInvalidRequest']);
    assert.deepEqual(responseCodesOf(await update('alice', id, `<t:DeleteItemField><t:FieldURI FieldURI="calendar:Start"/></t:DeleteItemField>`)), ['ErrorInvalidPropertyDelete']);
    assert.deepEqual(responseCodesOf(await update('alice', id, `<t:AppendToItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></t:AppendToItemField>`)), ['ErrorInvalidPropertyAppend']);
    assert.deepEqual(responseCodesOf(await update('alice', id, set('item:Subject', '<t:Subject>x</t:Subject>'), 'SendToEveryone')), ['ErrorInvalidRequest']);
    const body = (await get('alice', `<t:ItemId Id="${id}"/>`)).body;
    assert.match(body, /<t:Subject>Fixed<\/t:Subject>.*<t:End>2027-09-10T09:00:00Z<\/t:End>/);
  });

  it('lists calendar items as t:CalendarItem in FindItem without a CalendarView', async () => {
    await create('carol', '<t:Subject>Listed</t:Subject><t:Start>2027-09-12T08:00:00Z</t:Start><t:End>2027-09-12T09:00:00Z</t:End>');
    const found = await call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folder('calendar')}</m:ParentFolderIds></m:FindItem>`);
    assert.match(found.body, /<t:CalendarItem><t:ItemId[^>]*\/><t:ParentFolderId[^>]*\/><t:ItemClass>IPM.Appointment<\/t:ItemClass><t:Subject>Listed<\/t:Subject>/);
    assert.match(found.body, /<t:Start>2027-09-12T08:00:00Z<\/t:Start>/);
  });

  it('a meeting’s MimeContent carries organizer and attendees, and the organizer cannot answer their own meeting', async () => {
    const { id, changeKey } = await create(
      'alice',
      '<t:Subject>Review</t:Subject><t:Start>2027-09-14T08:00:00Z</t:Start><t:End>2027-09-14T09:00:00Z</t:End><t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees><t:OptionalAttendees><t:Attendee><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:Attendee></t:OptionalAttendees>',
      'SendToAllAndSaveCopy',
    );
    const withMime = await get('alice', `<t:ItemId Id="${id}"/>`, '<t:IncludeMimeContent>true</t:IncludeMimeContent>');
    const text = Buffer.from(/<t:MimeContent CharacterSet="UTF-8">([^<]+)</.exec(withMime.body)![1]!, 'base64').toString('utf8');
    const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    assert.equal(vevent.getFirstPropertyValue('organizer'), 'mailto:alice@contoso.com');
    const attendees = vevent.getAllProperties('attendee').map((p) => [p.getFirstValue(), p.getParameter('role')]);
    assert.deepEqual(attendees, [['mailto:bob@contoso.com', 'REQ-PARTICIPANT'], ['mailto:carol@contoso.com', 'OPT-PARTICIPANT']]);

    const accept = await call('alice', `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:AcceptItem><t:ReferenceItemId Id="${id}" ChangeKey="${changeKey}"/></t:AcceptItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(accept), ['ErrorCalendarIsOrganizerForAccept']);
    const cancelByBob = await call('bob', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2027-09-14T00:00:00Z" EndDate="2027-09-15T00:00:00Z"/><m:ParentFolderIds>${folder('calendar')}</m:ParentFolderIds></m:FindItem>`);
    const bobCopy = /<t:ItemId Id="([^"]+)"/.exec(cancelByBob.body)![1];
    const refused = await call('bob', `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:CancelCalendarItem><t:ReferenceItemId Id="${bobCopy}"/></t:CancelCalendarItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(refused), ['ErrorCalendarIsNotOrganizer']);
    // Carol's optional invitation shows her as optional in her own copy, and her answer without a response changes only her copy.
    const carolView = await call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2027-09-14T00:00:00Z" EndDate="2027-09-15T00:00:00Z"/><m:ParentFolderIds>${folder('calendar')}</m:ParentFolderIds></m:FindItem>`);
    const carolCopy = /<t:ItemId Id="([^"]+)"/.exec(carolView.body)![1];
    assert.deepEqual(responseCodesOf(await call('carol', `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:TentativelyAcceptItem><t:ReferenceItemId Id="${carolCopy}"/></t:TentativelyAcceptItem></m:Items></m:CreateItem>`)), ['NoError']);
    assert.match((await get('carol', `<t:ItemId Id="${carolCopy}"/>`)).body, /<t:MyResponseType>Tentative<\/t:MyResponseType>/);
    assert.match((await get('alice', `<t:ItemId Id="${id}"/>`)).body, /<t:OptionalAttendees><t:Attendee><t:Mailbox><t:EmailAddress>carol@contoso.com<\/t:EmailAddress>.*?<t:ResponseType>Unknown<\/t:ResponseType>/);
  });

  it('keeps calendar items in a user-created calendar folder, and refuses them in a mail folder', async () => {
    const created = await call('carol', `<m:CreateFolder><m:ParentFolderId>${folder('calendar')}</m:ParentFolderId><m:Folders><t:CalendarFolder><t:DisplayName>Team</t:DisplayName></t:CalendarFolder></m:Folders></m:CreateFolder>`);
    const folderId = /<t:FolderId Id="([^"]+)"/.exec(created.body)![1];
    const saved = await call('carol', `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:FolderId Id="${folderId}"/></m:SavedItemFolderId><m:Items><t:CalendarItem><t:Subject>Team day</t:Subject><t:Start>2027-09-20T08:00:00Z</t:Start><t:End>2027-09-20T16:00:00Z</t:End></t:CalendarItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(saved), ['NoError']);
    const view = (parent: string) => call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2027-09-20T00:00:00Z" EndDate="2027-09-21T00:00:00Z"/><m:ParentFolderIds>${parent}</m:ParentFolderIds></m:FindItem>`);
    assert.match((await view(`<t:FolderId Id="${folderId}"/>`)).body, /<t:Subject>Team day<\/t:Subject>/);
    assert.doesNotMatch((await view(folder('calendar'))).body, /Team day/);
    const inMail = await call('carol', `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId>${folder('inbox')}</m:SavedItemFolderId><m:Items><t:CalendarItem><t:Subject>Wrong</t:Subject><t:Start>2027-09-20T08:00:00Z</t:Start><t:End>2027-09-20T09:00:00Z</t:End></t:CalendarItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(inMail), ['ErrorInvalidOperation']);
  });

  it('a meeting sent with another meeting’s UID by a different organizer does not touch the attendee’s copy', async () => {
    const { id } = await create('alice', '<t:Subject>Real</t:Subject><t:Start>2027-09-22T08:00:00Z</t:Start><t:End>2027-09-22T09:00:00Z</t:End><t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>', 'SendToAllAndSaveCopy');
    const uid = /<t:UID>([^<]+)<\/t:UID>/.exec((await get('alice', `<t:ItemId Id="${id}"/>`)).body)![1]!;
    const forged = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//y//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20270101T000000Z', 'DTSTART:20270922T120000Z', 'DTEND:20270922T130000Z', 'SUMMARY:Forged', 'ORGANIZER:mailto:bob@contoso.com', 'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:carol@contoso.com', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const sent = await call('bob', `<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId>${folder('calendar')}</m:SavedItemFolderId><m:Items><t:CalendarItem><t:MimeContent CharacterSet="UTF-8">${Buffer.from(forged).toString('base64')}</t:MimeContent></t:CalendarItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(sent), ['NoError']);
    const carol = await call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2027-09-22T00:00:00Z" EndDate="2027-09-23T00:00:00Z"/><m:ParentFolderIds>${folder('calendar')}</m:ParentFolderIds></m:FindItem>`);
    assert.match(carol.body, /<t:Subject>Real<\/t:Subject>/);
    assert.doesNotMatch(carol.body, /Forged/);
    // Answering the forged request is refused; the real meeting is untouched.
    const inbox = await call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folder('inbox')}</m:ParentFolderIds></m:FindItem>`);
    const forgedRequest = [...inbox.body.matchAll(/<t:MeetingRequest><t:ItemId Id="([^"]+)"[^>]*\/>.*?<t:Subject>([^<]*)<\/t:Subject>/g)].find((m) => m[2] === 'Forged')![1];
    const answer = await call('carol', `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:AcceptItem><t:ReferenceItemId Id="${forgedRequest}"/></t:AcceptItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(answer), ['ErrorInvalidOperation']);
  });

  it('refuses a recurrence no calendar can expand (February 30th) with ErrorCalendarInvalidRecurrence, storing nothing', async () => {
    const before = await call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folder('calendar')}</m:ParentFolderIds></m:FindItem>`);
    const refused = await call('carol', `<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>Never</t:Subject><t:Start>2027-02-01T08:00:00Z</t:Start><t:End>2027-02-01T09:00:00Z</t:End><t:Recurrence><t:AbsoluteYearlyRecurrence><t:DayOfMonth>30</t:DayOfMonth><t:Month>February</t:Month></t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2027-02-01</t:StartDate></t:NoEndRecurrence></t:Recurrence></t:CalendarItem></m:Items></m:CreateItem>`);
    assert.deepEqual(responseCodesOf(refused), ['ErrorCalendarInvalidRecurrence']);
    assert.match(refused.body, /No month 2 has day 30/);
    const after = await call('carol', `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folder('calendar')}</m:ParentFolderIds></m:FindItem>`);
    assert.equal(/TotalItemsInView="(\d+)"/.exec(after.body)![1], /TotalItemsInView="(\d+)"/.exec(before.body)![1]);
  });
});
