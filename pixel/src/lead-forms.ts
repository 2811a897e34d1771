// <form data-hub-lead>: when it is submitted, its e-mail and phone fields become a lead, as if the page
// called hub('lead', {email, phone}). Opt-in per form, so search boxes and checkout forms stay out.
// The browser's own validation (required, type=email) runs before the submit event, and the hub
// checks the values again; a form with neither field filled sends nothing.
import type { LeadData } from './types.ts';

const EMAIL = 'input[type=email],input[name*=mail i]';
const PHONE = 'input[type=tel],input[name*=phone i],input[name*=fone i],input[name*=whats i],input[name*=celular i]';

export function watchLeadForms(onLead: (data: LeadData) => void): void {
  // Capture phase: before the page's own handler, which often cancels the submit to post by XHR.
  document.addEventListener(
    'submit',
    (event) => {
      const form = event.composedPath()[0];
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-hub-lead')) return;
      const value = (selector: string) => {
        const input = form.querySelector(selector);
        return (input instanceof HTMLInputElement && input.value.trim()) || undefined;
      };
      onLead({ email: value(EMAIL), phone: value(PHONE) });
    },
    true,
  );
}
