// Raw SOAP: each EWS recurrence pattern (daily, weekly, absolute/relative monthly, absolute yearly)
// and range (numbered, end date, no end) saved with CreateItem expands in a CalendarView; GetItem on a
// master answers its Recurrence; errors for what calendars don't do yet stay specific.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertRecordedResponsesValid, basicAuth, rawEws, startEwsServer, type EwsServer } from '../helpers/ews.ts';

const impersonate = `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>alice@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;
const tz = '<t:StartTimeZone Id="W. Europe Standard Time"/><t:EndTimeZone Id="W. Europe Standard Time"/>';

describe('calendar recurrence patterns over raw SOAP', () => {
  let ews: EwsServer;
  const call = (body: string) => rawEws(ews.ewsUrl, basicAuth('svc@contoso.com'), body, impersonate);
  const create = async (subject: string, start: string, end: string, recurrence: string) => {
    const response = await call(
      `<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>${subject}</t:Subject><t:Start>${start}</t:Start><t:End>${end}</t:End><t:Recurrence>${recurrence}</t:Recurrence>${tz}</t:CalendarItem></m:Items></m:CreateItem>`,
    );
    const id = /<t:ItemId Id="([^"]+)"/.exec(response.body)?.[1];
    assert.ok(id, response.body);
    return id;
  };
  const starts = async (subject: string, from: string, to: string) => {
    const response = await call(
      `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="calendar:Start"/></t:AdditionalProperties></m:ItemShape><m:CalendarView StartDate="${from}" EndDate="${to}"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
    );
    assert.equal(response.status, 200, response.body);
    return [...response.body.matchAll(/<t:Subject>([^<]*)<\/t:Subject><t:Start>([^<]*)<\/t:Start>/g)].filter((m) => m[1] === subject).map((m) => m[2]);
  };

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
  });
  after(() => ews.close());
  afterEach(() => assertRecordedResponsesValid());

  it('daily with an end date', async () => {
    await create('Daily', '2027-03-26T08:00:00Z', '2027-03-26T09:00:00Z', '<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:EndDateRecurrence><t:StartDate>2027-03-26</t:StartDate><t:EndDate>2027-03-29</t:EndDate></t:EndDateRecurrence>');
    assert.deepEqual(await starts('Daily', '2027-03-01T00:00:00Z', '2027-05-01T00:00:00Z'), ['2027-03-26T08:00:00Z', '2027-03-27T08:00:00Z', '2027-03-28T07:00:00Z', '2027-03-29T07:00:00Z']);
  });

  it('absolute and relative monthly, absolute yearly, no end; MaxEntriesReturned', async () => {
    await create('Monthly', '2027-01-15T09:00:00Z', '2027-01-15T10:00:00Z', '<t:AbsoluteMonthlyRecurrence><t:Interval>2</t:Interval><t:DayOfMonth>15</t:DayOfMonth></t:AbsoluteMonthlyRecurrence><t:NumberedRecurrence><t:StartDate>2027-01-15</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence>');
    assert.deepEqual(await starts('Monthly', '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z'), ['2027-01-15T09:00:00Z', '2027-03-15T09:00:00Z', '2027-05-15T08:00:00Z']);
    await create('Last Friday', '2027-01-29T16:00:00Z', '2027-01-29T17:00:00Z', '<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Friday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:NoEndRecurrence><t:StartDate>2027-01-29</t:StartDate></t:NoEndRecurrence>');
    assert.deepEqual(await starts('Last Friday', '2027-02-01T00:00:00Z', '2027-05-01T00:00:00Z'), ['2027-02-26T16:00:00Z', '2027-03-26T16:00:00Z', '2027-04-30T15:00:00Z']);
    await create('Birthday', '2027-07-04T10:00:00Z', '2027-07-04T11:00:00Z', '<t:AbsoluteYearlyRecurrence><t:DayOfMonth>4</t:DayOfMonth><t:Month>July</t:Month></t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2027-07-04</t:StartDate></t:NoEndRecurrence>');
    assert.deepEqual(await starts('Birthday', '2028-01-01T00:00:00Z', '2029-12-31T00:00:00Z'), ['2028-07-04T10:00:00Z', '2029-07-04T10:00:00Z']);
    const limited = await call(
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:CalendarView MaxEntriesReturned="2" StartDate="2027-02-01T00:00:00Z" EndDate="2027-05-01T00:00:00Z"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>',
    );
    assert.equal([...limited.body.matchAll(/<t:CalendarItem>/g)].length, 2);
    assert.match(limited.body, /IncludesLastItemInRange="false"/);
  });

  it('answers a master with its Recurrence, and specific errors', async () => {
    const id = await create('Weekly', '2027-03-23T08:00:00Z', '2027-03-23T08:30:00Z', '<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday Thursday</t:DaysOfWeek></t:WeeklyRecurrence><t:NumberedRecurrence><t:StartDate>2027-03-23</t:StartDate><t:NumberOfOccurrences>10</t:NumberOfOccurrences></t:NumberedRecurrence>');
    const master = await call(`<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`);
    assert.match(master.body, /<t:CalendarItemType>RecurringMaster<\/t:CalendarItemType>/);
    assert.match(master.body, /<t:WeeklyRecurrence><t:Interval>1<\/t:Interval><t:DaysOfWeek>Tuesday Thursday<\/t:DaysOfWeek><\/t:WeeklyRecurrence><t:NumberedRecurrence><t:StartDate>2027-03-23<\/t:StartDate><t:NumberOfOccurrences>10<\/t:NumberOfOccurrences>/);
    const tooBig = await call('<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2027-01-01T00:00:00Z" EndDate="2030-01-01T00:00:00Z"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>');
    assert.equal(tooBig.fault?.code, 'ErrorCalendarViewRangeTooBig');
    const badMime = await call(`<m:CreateItem><m:Items><t:CalendarItem><t:MimeContent>${Buffer.from('not a calendar').toString('base64')}</t:MimeContent></t:CalendarItem></m:Items></m:CreateItem>`);
    assert.match(badMime.body, /<m:ResponseCode>ErrorCalendarInvalidPropertyValue<\/m:ResponseCode>/);
  });
});
