// The shapes the hub sends to Meta (snake_case, as on the wire) and the hub-side input they are
// built from. Wire fields follow the SDK's normalize() output (server-event.js, user-data.js,
// custom-data.js in facebook/facebook-nodejs-business-sdk src/objects/serverside/).
import type { ActionSource } from './action-sources.ts';

/** user_data as sent: hashed keys as arrays of SHA-256 hex (what UserData.normalize() emits). */
export interface MetaUserData {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
  client_ip_address?: string;
  client_user_agent?: string;
  fbc?: string;
  fbp?: string;
}

export interface MetaCustomData {
  value?: number;
  currency?: string;
  content_ids?: string[];
  content_type?: string;
  order_id?: string;
  num_items?: number;
}

export interface MetaServerEvent {
  event_name: string;
  /** Unix seconds, GMT. */
  event_time: number;
  event_id: string;
  action_source: ActionSource;
  event_source_url?: string;
  user_data: MetaUserData;
  custom_data?: MetaCustomData;
}

/** Several values are allowed for the multi-valued keys (Meta: "string or list<string>"). */
type OneOrMany = string | readonly string[];

/** Raw (unnormalized, unhashed) customer information, as the hub holds it. */
export interface CapiUserInput {
  email?: OneOrMany | null;
  phone?: OneOrMany | null;
  /** Default country for phones written without a country code; else `country`, else BR. */
  phoneCountry?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  country?: string | null;
  externalId?: OneOrMany | null;
  clientIpAddress?: string | null;
  clientUserAgent?: string | null;
  fbc?: string | null;
  fbp?: string | null;
}

export interface CapiCustomInput {
  /** Decimal string in major units, "197.00" (the hub's money format, api-v1.md). */
  value?: string | null;
  /** ISO 4217, "BRL". */
  currency?: string | null;
  contentIds?: readonly string[] | null;
  contentType?: string | null;
  orderId?: string | null;
  numItems?: number | null;
}

export interface CapiEventInput {
  eventName: string;
  eventTime: Date;
  /** Deterministic per conversion, so retries and replays deduplicate at Meta. */
  eventId: string;
  /** Defaults to website when the browser context is known, else system_generated. */
  actionSource?: ActionSource;
  eventSourceUrl?: string | null;
  user: CapiUserInput;
  custom?: CapiCustomInput | null;
}
