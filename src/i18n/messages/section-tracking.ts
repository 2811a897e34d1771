// Messages of the tracking part, in both languages (composed into en.ts and pt-BR.ts). The *Log keys
// are warn lines of the server log, in HUB_LOCALE: the seller running the hub reads them.
export const trackingEn = {
  originRefusedLog:
    'Tracking refused: origin {{origin}} is not in any funnel of tenant {{tenantId}}. If it is your landing page, add it to the funnel origins (PUT /api/v1/funnels/{{slug}}, field origins). Not logged again for this origin for {{minutes}} min.',
  originRefusedNoFunnelLog:
    'Tracking refused: origin {{origin}} sent tenant {{tenantId}}\'s public key, and the tenant has no funnel yet. Create one with this origin: PUT /api/v1/funnels/main with {"origins":["{{origin}}"]}. Not logged again for this origin for {{minutes}} min.',
  refusedOriginsSilenced:
    'Tenant {{tenantId}}: more than {{limit}} refused origins in {{minutes}} min; the others are counted (GET /api/v1/tenant) but not logged.',
  preflightRefusedLog:
    'CORS preflight refused: origin {{origin}} is not in any funnel. If it is a landing page, add it to its funnel origins (PUT /api/v1/funnels/{slug}, field origins). Not logged again for this origin for {{minutes}} min.',
  refusedPreflightsSilenced: 'More than {{limit}} origins refused at CORS preflight in {{minutes}} min; the others are not logged.',
  funnelInvalid: 'The funnel is not valid: {{fields}}.',
  keysOfAnotherTenant: 'The public key is not of the tenant whose secret key was sent. Send one tenant\'s keys, or the secret key alone.',
} as const;

export const trackingPtBR: { [K in keyof typeof trackingEn]: string } = {
  originRefusedLog:
    'Rastreamento recusado: a origem {{origin}} não está em nenhum funil do tenant {{tenantId}}. Se é a sua landing page, adicione-a às origens do funil (PUT /api/v1/funnels/{{slug}}, campo origins). Esta origem não será registrada de novo por {{minutes}} min.',
  originRefusedNoFunnelLog:
    'Rastreamento recusado: a origem {{origin}} enviou a chave pública do tenant {{tenantId}}, que ainda não tem funil. Crie um com esta origem: PUT /api/v1/funnels/main com {"origins":["{{origin}}"]}. Esta origem não será registrada de novo por {{minutes}} min.',
  refusedOriginsSilenced:
    'Tenant {{tenantId}}: mais de {{limit}} origens recusadas em {{minutes}} min; as demais são contadas (GET /api/v1/tenant), mas não registradas no log.',
  preflightRefusedLog:
    'Preflight CORS recusado: a origem {{origin}} não está em nenhum funil. Se é uma landing page, adicione-a às origens do funil (PUT /api/v1/funnels/{slug}, campo origins). Esta origem não será registrada de novo por {{minutes}} min.',
  refusedPreflightsSilenced: 'Mais de {{limit}} origens recusadas no preflight CORS em {{minutes}} min; as demais não são registradas no log.',
  funnelInvalid: 'O funil não é válido: {{fields}}.',
  keysOfAnotherTenant: 'A chave pública não é do tenant cuja chave secreta foi enviada. Envie as chaves de um só tenant, ou só a chave secreta.',
};
