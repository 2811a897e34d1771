// Puts the checkout parameters on the page's checkout links and forms, keeps doing so as the page
// changes, and reports when the visitor heads to a checkout.
import { checkoutKind, checkoutParams, decorateUrl, parseHostList } from './checkout-links.ts';

const SELECTOR = 'a[href],form[action]';

export interface LinkDecorator {
  /**
   * New parameters and the funnel's checkout hosts from the hub's answer: remember them and
   * re-decorate the page. The page's own hosts (data-checkout-hosts) are always kept beside the funnel's.
   */
  update(decorate: Record<string, string> | undefined, funnelHosts?: readonly string[]): void;
  /** Decorate now and keep watching: new links, changed hrefs, clicks and form submits. */
  start(onCheckout: (checkoutUrl: string) => void): void;
}

export function createLinkDecorator(pageHosts: readonly string[], utmParams: Record<string, string>): LinkDecorator {
  let decorate: Record<string, string> = {};
  let extraHosts = pageHosts;
  const owned = new Set<string>();

  /** Decorates one <a> or <form> if it leads to a checkout; returns the checkout URL then. */
  function apply(el: Element): string | undefined {
    const isForm = el instanceof HTMLFormElement;
    if (!isForm && !(el instanceof HTMLAnchorElement)) return undefined;
    let url: URL;
    try {
      // form.action would return a child <input name="action"> if there is one; read the attribute.
      url = new URL(isForm ? el.getAttribute('action') || '' : el.href, document.baseURI);
    } catch {
      return undefined;
    }
    const kind = /^https?:$/.test(url.protocol) ? checkoutKind(url.hostname, extraHosts) : undefined;
    if (!kind) return undefined;
    const params = checkoutParams(kind, decorate, utmParams);
    const next = decorateUrl(url.href, params, owned);
    if (!isForm) {
      if (next !== el.href) el.href = next;
    } else if ((el.getAttribute('method') || '').toLowerCase() === 'post') {
      if (next !== url.href) el.setAttribute('action', next);
    } else {
      // A GET form replaces the action's query with its fields: the parameters must be fields.
      for (const [name, value] of Object.entries(params)) {
        const field = el.elements.namedItem(name);
        if (field instanceof HTMLInputElement) {
          if (field.value !== value && owned.has(name + '=' + field.value)) field.value = value;
        } else if (!field) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          el.appendChild(input);
        }
      }
    }
    return next;
  }

  const applyAll = () => document.querySelectorAll(SELECTOR).forEach(apply);

  return {
    update(answer, funnelHosts) {
      if (!answer) return;
      if (funnelHosts) extraHosts = pageHosts.concat(parseHostList(funnelHosts));
      decorate = answer;
      for (const [name, value] of Object.entries(answer)) owned.add(name + '=' + value);
      applyAll();
    },
    start(onCheckout) {
      applyAll();
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'attributes') apply(record.target as Element);
          record.addedNodes.forEach((node) => {
            if (node instanceof Element) {
              apply(node);
              node.querySelectorAll(SELECTOR).forEach(apply);
            }
          });
        }
      }).observe(document.documentElement, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['href', 'action'],
      });
      // Capture phase: runs before the page's own handlers and before the browser follows the link,
      // so the href is right even for links rendered after the hub answered and not yet observed.
      // composedPath()[0], not target: a link inside a shadow root (web-component page builders) is
      // retargeted to its host at document level, and the observer never sees it — only this does.
      const onFollow = (event: Event) => {
        const origin = event.composedPath()[0];
        const target = origin instanceof Element ? origin : null;
        const el = event.type === 'submit' ? target : target?.closest('a[href]');
        const checkoutUrl = el ? apply(el) : undefined;
        if (checkoutUrl) onCheckout(checkoutUrl);
      };
      for (const type of ['click', 'auxclick', 'submit']) document.addEventListener(type, onFollow, true);
    },
  };
}
