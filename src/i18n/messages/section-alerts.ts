// Messages of the alerts (GET /api/v1/alerts and the alert webhook's `text`), in both languages
// (composed into en.ts and pt-BR.ts). `title` names each rule, `body` says what was found and what to
// do; `opened`/`resolved` are the webhook lines. Never a buyer's data: only counts, gateways, times.
export const alertsEn = {
  opened: '🔴 Hub alert — {{tenant}}: {{title}}. {{body}}',
  resolved: '✅ Resolved — {{tenant}}: {{title}} (open since {{openedAt}}).',
  title: {
    sale_not_delivered: 'paid sales not accepted by Meta in time',
    token_refused: 'Meta refused the access token',
    token_expiring: 'the Meta access token expires soon',
    delivery_rate_low: 'few events accepted by Meta',
    signature_failures: 'webhook signature failures',
    gateway_silent: 'a gateway sends no webhooks',
    events_near_limit: "events close to Meta's 7-day limit",
  },
  body: {
    sale_not_delivered:
      '{{count}} paid sale(s) not accepted by Meta {{minutes}} min after they arrived (the oldest at {{oldest}}). Each event story (GET /api/v1/events/{id}) shows what Meta answered.',
    token_refused:
      'Events for Meta wait until a working token is saved (PUT /api/v1/connections/meta); none are lost. Meta said: {{reason}}',
    token_expiring:
      'It expires at {{expiresAt}} ({{days}} day(s) left). Generate a new token in Events Manager → your pixel → Settings → Conversions API and save it (PUT /api/v1/connections/meta).',
    delivery_rate_low:
      'Meta accepted {{percent}}% of the events of the last {{hours}} h ({{sent}} of {{total}}; the alert is below {{threshold}}%). Look at the failed attempts in the event stories.',
    signature_failures:
      '{{count}} {{gateway}} webhook(s) failed the signature check in the last {{minutes}} min: the secret changed in {{gateway}}, or someone is probing. Save the current secret with PUT /api/v1/connections/{{gateway}}.',
    gateway_silent:
      'No webhook from {{gateway}} in {{hours}} h while ads brought {{clicks}}+ clicks. Check that the webhook URL is still set and active in {{gateway}}.',
    events_near_limit:
      '{{count}} event(s) for Meta not sent yet, the oldest from {{oldest}}: Meta refuses events older than 7 days ({{hoursLeft}} h left). Fix the cause and send them again with `hub replay`.',
  },
};

export const alertsPtBR: typeof alertsEn = {
  opened: '🔴 Alerta do hub — {{tenant}}: {{title}}. {{body}}',
  resolved: '✅ Resolvido — {{tenant}}: {{title}} (aberto desde {{openedAt}}).',
  title: {
    sale_not_delivered: 'vendas pagas não aceitas pela Meta a tempo',
    token_refused: 'a Meta recusou o token de acesso',
    token_expiring: 'o token de acesso da Meta expira em breve',
    delivery_rate_low: 'poucos eventos aceitos pela Meta',
    signature_failures: 'falhas de assinatura nos webhooks',
    gateway_silent: 'um gateway não envia webhooks',
    events_near_limit: 'eventos perto do limite de 7 dias da Meta',
  },
  body: {
    sale_not_delivered:
      '{{count}} venda(s) paga(s) não aceita(s) pela Meta {{minutes}} min depois de chegar (a mais antiga às {{oldest}}). A história de cada evento (GET /api/v1/events/{id}) mostra o que a Meta respondeu.',
    token_refused:
      'Os eventos para a Meta esperam até que um token válido seja salvo (PUT /api/v1/connections/meta); nenhum se perde. A Meta disse: {{reason}}',
    token_expiring:
      'Ele expira em {{expiresAt}} (falta(m) {{days}} dia(s)). Gere um novo token no Gerenciador de Eventos → seu pixel → Configurações → API de Conversões e salve-o (PUT /api/v1/connections/meta).',
    delivery_rate_low:
      'A Meta aceitou {{percent}}% dos eventos das últimas {{hours}} h ({{sent}} de {{total}}; o alerta dispara abaixo de {{threshold}}%). Veja as tentativas com falha nas histórias dos eventos.',
    signature_failures:
      '{{count}} webhook(s) da {{gateway}} falharam na verificação de assinatura nos últimos {{minutes}} min: o segredo mudou na {{gateway}}, ou alguém está testando o endereço. Salve o segredo atual com PUT /api/v1/connections/{{gateway}}.',
    gateway_silent:
      'Nenhum webhook da {{gateway}} em {{hours}} h enquanto os anúncios trouxeram {{clicks}}+ cliques. Confira se a URL do webhook continua cadastrada e ativa na {{gateway}}.',
    events_near_limit:
      '{{count}} evento(s) para a Meta ainda não enviado(s), o mais antigo de {{oldest}}: a Meta recusa eventos com mais de 7 dias (faltam {{hoursLeft}} h). Corrija a causa e envie-os de novo com `hub replay`.',
  },
};
