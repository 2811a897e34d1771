// The events a test event can be (POST /api/v1/connections/meta/test, `hub meta test`). Its own
// module so the CLI can offer them without loading the operation.
export const TEST_EVENT_NAMES = ['PageView', 'Purchase'] as const;
export type TestEventName = (typeof TEST_EVENT_NAMES)[number];
