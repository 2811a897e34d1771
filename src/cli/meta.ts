// `hub meta test --tenant ten_… [--test-code TEST123] [--event PageView|Purchase] [--json]`: one test
// event to the tenant's pixel (src/operations/meta/send-test-event.ts), through the running server
// when there is one, and Meta's answer. Exits 1 when Meta did not accept it.
import { InvalidArgumentError } from 'commander';
import type { CommandFactory } from './index.ts';
import { runOperation } from './run-operation.ts';
import { locale, print, valueOrFail } from './output.ts';
import { say } from '../i18n/index.ts';
import type { MetaTestResult } from '../operations/meta/send-test-event.ts';
import { TEST_EVENT_NAMES, type TestEventName } from '../operations/meta/test-event-names.ts';

export const metaCommands: CommandFactory = (program, loadConfig) => {
  const meta = program.command('meta').description('Check the Meta connection of a tenant');
  meta
    .command('test')
    .description("Send one test event to the tenant's pixel (it shows in Events Manager → Test events) and print Meta's answer")
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .option('--test-code <code>', "test event code from Events Manager → Test events (default: the connection's)")
    .option('--event <name>', 'PageView | Purchase (a test Purchase is worth 0.00 BRL)', eventName, 'PageView')
    .option('--json', 'print JSON', false)
    .action(async (opts: { tenant: string; testCode?: string; event: TestEventName; json: boolean }) => {
      const outcome = await runOperation(loadConfig(), 'meta.test', {
        tenantId: opts.tenant,
        eventName: opts.event,
        ...(opts.testCode !== undefined ? { testEventCode: opts.testCode } : {}),
      });
      const tested = valueOrFail<MetaTestResult>(outcome);
      if (opts.json) print(JSON.stringify(tested));
      else printResult(tested);
      if (tested.result !== 'accepted') process.exitCode = 1;
    });
};

function printResult(r: MetaTestResult): void {
  const mark = r.result === 'accepted' ? '✓' : '✗';
  print(say(locale, { key: 'meta.cliTestSent', params: { eventName: r.eventName, pixelId: r.pixelId, testEventCode: r.testEventCode } }));
  if (r.httpStatus !== null) {
    print(
      r.error
        ? say(locale, { key: 'meta.cliMetaError', params: { status: r.httpStatus, code: r.error.code ?? '-', fbtraceId: r.fbtraceId ?? '-', message: r.error.message ?? '' } })
        : say(locale, { key: 'meta.cliMetaAnswer', params: { status: r.httpStatus, eventsReceived: r.eventsReceived ?? '-', fbtraceId: r.fbtraceId ?? '-' } }),
    );
  }
  if (r.messages.length > 0) print(say(locale, { key: 'meta.cliMetaMessages', params: { messages: r.messages.join(' | ') } }));
  print(`${mark} ${say(locale, r.summary)}`);
  if (r.fix) print(`  ${say(locale, r.fix)}`);
}

function eventName(value: string): TestEventName {
  const found = TEST_EVENT_NAMES.find((name) => name.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new InvalidArgumentError(`expected ${TEST_EVENT_NAMES.join(' or ')}`);
  return found;
}
