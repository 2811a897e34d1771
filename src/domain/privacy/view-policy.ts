// What an operator may see as it is in a gateway body, a normalized conversion, match evidence or a CAPI
// event: ids, statuses, amounts, currencies, product names, dates, event types and tracking parameters
// — enough to understand a delivery. It is an allow-list: a key that is not here is masked, so a field
// a gateway adds tomorrow is masked until someone decides otherwise. Shown values are still scrubbed
// of e-mails, documents, phones and IPs (pii-shapes.ts scrubText).
//
// Keys are compared normalized (lower case, letters and digits only: `currency_value`, `currencyValue`
// and `Currency-Value` are one key). Inside an array, items keep the array's key as theirs, so
// `tax_ids[0].value` is `tax_ids.value`.

export const normalizeKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * How a shown value is written: as text (scrubbed), as a date (epoch digits kept), as a URL, or as
 * Meta's fbc/fbp cookie (`fb.1.<ms>.<id>`, kept whole when it has that form).
 */
export type Shown = 'text' | 'date' | 'url' | 'meta_cookie';

/** How a masked value keeps its shape, from its key. */
export type Kind = 'phone' | 'document' | 'name' | 'user_agent' | 'other';

export interface ViewPolicy {
  /** Whether the value at this path is business data, and how it is written. */
  shown(path: readonly string[]): Shown | undefined;
  /** Keys whose whole subtree is a person (a buyer, an address, tax ids): nothing inside is shown… */
  personal: ReadonlySet<string>;
  /** …but these keys. */
  shownInPersonal(path: readonly string[]): boolean;
}

/** Credentials: replaced whole, no hint. */
export function isSecretKey(path: readonly string[]): boolean {
  const key = path[path.length - 1] ?? '';
  if (key === 'token' && path[path.length - 2] === 'passthrough') return false; // a match's session token
  return /hottok|token|signature|secret|passw|authorization|apikey|cookie|privatekey|credential/.test(key);
}

export function kindOf(path: readonly string[]): Kind {
  const key = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (/phone|mobile|cell|celular|telefone|fone|whatsapp|^ph$|^ddd/.test(key) || /phone/.test(parent)) return 'phone';
  if (/document|cpf|cnpj|taxid|^doc$|^rg$|passport|ssn|vat/.test(key) || parent === 'taxids') return 'document';
  if (/useragent|^ua$/.test(key)) return 'user_agent';
  if (/name$|^nome|^fn$|^ln$/.test(key)) return 'name';
  return 'other';
}

// Shown under any parent that is not personal. Sources: the fixtures of each gateway
// (src/domain/gateways/*/fixtures), the hub's own shapes (NormalizedConversion, tracking payloads,
// MatchEvidence, Meta's server event).
const SHOWN_KEYS = new Set([
  // ids: the gateway's, Stripe's object ids, the hub's, Meta's
  ...['id', 'ucode', 'code', 'key', 'transaction', 'transactionid', 'parentpurchasetransaction', 'orderid', 'orderref', 'productid'],
  ...['offerid', 'planid', 'subscriptionid', 'storeid', 'affiliateid', 'affiliatecode', 'paymentmerchantid', 'deliveryid'],
  ...['charge', 'paymentintent', 'invoice', 'subscription', 'customer', 'balancetransaction', 'latestcharge', 'latestinvoice'],
  ...['setupintent', 'paymentlink', 'product', 'price', 'object', 'eventid', 'visitorid', 'sessionid', 'replacedsessionid'],
  ...['clickid', 'conversionid', 'relatedid', 'inheritedfrom', 'funnelslug', 'fbtraceid', 'contentids'],
  // statuses, types, enumerations
  ...['status', 'event', 'type', 'eventtype', 'eventname', 'webhookeventtype', 'orderstatus', 'paymentstatus', 'kind', 'gatewaystatus'],
  ...['mode', 'version', 'apiversion', 'livemode', 'businessmodel', 'saletype', 'producttype', 'frequency', 'interval', 'intervalcount'],
  ...['billingreason', 'collectionmethod', 'capturemethod', 'confirmationmethod', 'reason', 'failurecode', 'documenttype', 'source'],
  ...['brand', 'network', 'funding', 'cardtype', 'paymentmethod', 'paymentmethodtypes', 'paymenttype', 'method', 'outcome', 'ok'],
  ...['field', 'found', 'matchedon', 'attributionmodel', 'conflict', 'actionsource', 'fbcsource', 'locale', 'submittype', 'contenttype'],
  ...['cvccheck', 'addressline1check', 'addresspostalcodecheck', 'taxexempt', 'billingaddresscollection', 'customercreation'],
  'durationtype',
  // amounts and counts
  ...['value', 'netvalue', 'total', 'subtotal', 'unitamount', 'quantity', 'installments', 'installmentsnumber', 'recurrencenumber'],
  ...['attemptcount', 'chargeamount', 'mycommission', 'kiwifyfee', 'settlementamount', 'productbaseprice', 'saletaxamount'],
  ...['saletaxrate', 'actualrecurrencevalue', 'qtycharges', 'pendingwebhooks', 'submissioncount', 'numitems', 'itemprice'],
  ...['candidates', 'confidence', 'clicktoconversionms', 'clickdays', 'identitydays', 'fingerprintminutes', 'phonesightingsofothers'],
  // product and plan names, descriptors, tracking parameters
  ...['productname', 'planname', 'offername', 'contentname', 'contentcategory', 'statementdescriptor', 'statementdescriptorsuffix'],
  ...['calculatedstatementdescriptor', 'sckpaymentlink', 'couponcode'],
  // card: what a receipt shows
  ...['last4', 'cardlastdigits', 'cardlast4digits', 'cardfirstdigits', 'expmonth', 'expyear'],
]);

// Shown even inside a personal subtree: not personal on their own, and what an operator checks first
// (did the click's fbc reach Meta? which session did the checkout carry?).
const ALWAYS_SHOWN = new Set([
  ...['country', 'countryiso', 'phonecountry', 'accountcountry', 'documenttype'],
  ...['fbc', 'fbp', 'fbclid', 'gclid', 'ttclid', 'sck', 'src', 'xcod', 'clientreferenceid'],
]);

// "parent.key" (or "grandparent.parent.key"): names that are a product's only under a product.
const SHOWN_PATHS = new Set([
  ...['product.name', 'products.name', 'items.name', 'plan.name', 'plans.name', 'offer.name', 'checkoutcountry.name', 'checkoutcountry.iso'],
  'price.nickname',
  ...['lines.data.description', 'lineitems.data.description', 'items.data.description', 'product.description'],
  ...['utm.source', 'utm.medium', 'utm.campaign', 'utm.content', 'utm.term'],
  ...['trackingparameters.s1', 'trackingparameters.s2', 'trackingparameters.s3', 'tracker.code1', 'tracker.code2', 'tracker.code3'],
  'passthrough.token', // the session token a match looked up (MatchEvidence)
]);

const SHOWN_PATTERNS = [/^amount/, /currency(value)?$/, /^utm/];

// Dates and times (epoch digits are kept as they are). A birth date is personal, whatever its name.
const DATE_KEY =
  /^date|date$|(?:created|updated|refunded|expires|canceled|cancelled|ended|cancel|finalized|paid|voided|occurred|received|sent|attempted|approved|uncollectible|retry|attempt|started|completed|deleted|closed|due)at$|^(?:created|start|end|dueby|nextpayment|billingcycleanchor|eventtime|pixexpiration|creationdate)$/;
const BIRTH = /birth|nasc|^dob$/;

// Links an operator follows to understand a visit: shown with their path and tracking parameters.
// Other URLs (receipts, boletos, member areas: links that act as keys) keep only their host.
const URL_KEYS = new Set(['url', 'referrer', 'eventsourceurl', 'successurl', 'cancelurl', 'returnurl', 'checkoutlink']);

/** Query parameters of a shown URL whose values are shown: the tracking ones. */
export function isShownParam(name: string): boolean {
  return /^(?:utm_\w+|sck|src|xcod|fbclid|gclid|ttclid|s[1-3]|ref)$/i.test(name);
}

export const BODY_POLICY: ViewPolicy = {
  shown(path) {
    const key = path[path.length - 1] ?? '';
    if (BIRTH.test(key)) return undefined;
    if (URL_KEYS.has(key)) return 'url';
    if (key === 'fbc' || key === 'fbp') return 'meta_cookie';
    if (DATE_KEY.test(key)) return 'date';
    if (SHOWN_KEYS.has(key) || ALWAYS_SHOWN.has(key) || SHOWN_PATTERNS.some((p) => p.test(key))) return 'text';
    const parent = path.slice(-2).join('.');
    const grandparent = path.slice(-3).join('.');
    return SHOWN_PATHS.has(parent) || SHOWN_PATHS.has(grandparent) ? 'text' : undefined;
  },
  personal: new Set([
    ...['buyer', 'customer', 'customerdetails', 'billingdetails', 'shipping', 'shippingdetails', 'address', 'taxids', 'subscriber'],
    ...['user', 'userdata', 'payer', 'owner', 'contact', 'phone', 'phones', 'document', 'documents'],
  ]),
  shownInPersonal: (path) => ALWAYS_SHOWN.has(path[path.length - 1] ?? ''),
};

// Request headers of a webhook (secrets were removed when it was stored): the transport is shown,
// forwarding headers (client IPs) and anything unknown are masked.
const SHOWN_HEADERS = new Set([
  ...['contenttype', 'contentlength', 'contentencoding', 'useragent', 'accept', 'acceptencoding', 'acceptlanguage', 'host'],
  ...['connection', 'xrequestid', 'traceparent', 'tracestate', 'xforwardedproto', 'xforwardedport', 'xhotmartwebhookversion'],
]);

export const HEADER_POLICY: ViewPolicy = {
  shown: (path) => (SHOWN_HEADERS.has(path[path.length - 1] ?? '') ? 'text' : undefined),
  personal: new Set(),
  shownInPersonal: () => false,
};
