// Messages of the Meta connection (checking a token and pixel, test events), in both languages
// (composed into en.ts and pt-BR.ts). `check*` say what the check of PUT /api/v1/connections/meta
// found and `*Fix` what to do about it; `test*` report a test event; `cli*` are lines of `hub meta test`.
// Meta's screens are named as they read in each language (Events Manager / Gerenciador de Eventos).
export const metaEn = {
  checkVerified: 'Meta accepted the token and can see pixel {{pixelId}} ("{{pixelName}}").',
  checkTokenExpired: 'The access token was refused by Meta: it has expired (code {{code}}).',
  checkTokenExpiredFix:
    'Generate a new token in Events Manager → your pixel (dataset) → Settings → Conversions API → Generate access token, then save it again (PUT /api/v1/connections/meta). Events for Meta wait until then; none are lost.',
  checkTokenInvalid: 'The access token was refused by Meta as invalid (code {{code}}): revoked, mistyped or cut short.',
  checkTokenInvalidFix:
    'Copy the whole token again (it starts with EAA), or generate a new one in Events Manager → your pixel (dataset) → Settings → Conversions API, then save it again. Events for Meta wait until then; none are lost.',
  checkNoPermission: 'The token was accepted, but Meta did not let it read pixel {{pixelId}} (code {{code}}).',
  checkNoPermissionFix:
    'Events are still sent. If Meta refuses them too, give the token\'s system user the pixel (Business Settings → Users → System users → Assign assets → Datasets, with full control), or generate the token from the pixel\'s own Settings in Events Manager. Check with a test event: POST /api/v1/connections/meta/test or `hub meta test`.',
  checkPixelNotFound: 'Meta knows no pixel {{pixelId}} that this token can see (code {{code}}).',
  checkPixelNotFoundFix:
    'Check the pixel (dataset) id in Events Manager → Data sources, and that the token was generated for that pixel or its business. Events are still sent and Meta refuses them if the id is wrong: check with POST /api/v1/connections/meta/test or `hub meta test`.',
  checkTimeout: 'Meta did not answer within {{seconds}} s, so the token could not be checked.',
  checkNetwork: 'Meta could not be reached ({{detail}}), so the token could not be checked.',
  checkNetworkFix:
    'Check that this server can reach {{graphUrl}} (firewall, proxy, DNS). The connection is saved as unverified and events are sent; save it again to check it, or send a test event (POST /api/v1/connections/meta/test).',
  checkMetaUnavailable: 'Meta had a temporary problem (HTTP {{status}}), so the token could not be checked.',
  checkUnexpectedAnswer: 'Meta\'s answer could not be understood (HTTP {{status}}), so the token could not be checked.',
  checkLaterFix:
    'The connection is saved as unverified and events are sent. Save it again in a few minutes to check it, or send a test event (POST /api/v1/connections/meta/test).',
  notConnected: 'Meta is not connected for this tenant: connect it first with PUT /api/v1/connections/meta.',
  tokenUnreadable: 'The stored Meta connection cannot be read ({{problem}}): connect Meta again with PUT /api/v1/connections/meta.',
  testCodeRequired:
    'No test event code: give one (field testEventCode, or --test-code) or save one on the Meta connection. Meta shows it in Events Manager → your pixel → Test events.',
  testAccepted:
    'Meta accepted the test event ({{eventsReceived}} received). Look for {{eventName}} with event_id {{eventId}} in Events Manager → your pixel → Test events (code {{testEventCode}}).',
  testTokenRefused: 'Meta refused the token or this pixel for it: {{detail}}',
  testTokenRefusedFix:
    'Generate a new token in Events Manager → your pixel (dataset) → Settings → Conversions API, check the pixel id, then save them again (PUT /api/v1/connections/meta).',
  testEventRefused: 'Meta rejected the test event: {{detail}}',
  testEventRefusedFix: 'This is unexpected for the hub\'s test event; note the fbtrace_id and report it along with Meta\'s message.',
  testNoAnswer: 'Meta did not take the test event: {{detail}}',
  testNoAnswerFix: 'Nothing was recorded as sent. Try again in a minute; if it persists, check that this server can reach {{graphUrl}}.',
  cliTestSent: 'Sent a test {{eventName}} to pixel {{pixelId}} with test code {{testEventCode}}.',
  cliMetaAnswer: 'Meta answered: HTTP {{status}}, events_received {{eventsReceived}}, fbtrace_id {{fbtraceId}}',
  cliMetaError: 'Meta answered: HTTP {{status}}, code {{code}}, fbtrace_id {{fbtraceId}}: {{message}}',
  cliMetaMessages: 'Meta\'s notes: {{messages}}',
} as const;

export const metaPtBR: { [K in keyof typeof metaEn]: string } = {
  checkVerified: 'A Meta aceitou o token e enxerga o pixel {{pixelId}} ("{{pixelName}}").',
  checkTokenExpired: 'O token de acesso foi recusado pela Meta: ele expirou (código {{code}}).',
  checkTokenExpiredFix:
    'Gere um novo token no Gerenciador de Eventos → seu pixel (conjunto de dados) → Configurações → API de Conversões → Gerar token de acesso, e salve-o de novo (PUT /api/v1/connections/meta). Os eventos para a Meta esperam até lá; nenhum se perde.',
  checkTokenInvalid: 'O token de acesso foi recusado pela Meta como inválido (código {{code}}): revogado, digitado errado ou cortado.',
  checkTokenInvalidFix:
    'Copie o token inteiro de novo (ele começa com EAA) ou gere um novo no Gerenciador de Eventos → seu pixel (conjunto de dados) → Configurações → API de Conversões, e salve-o de novo. Os eventos para a Meta esperam até lá; nenhum se perde.',
  checkNoPermission: 'O token foi aceito, mas a Meta não o deixou ler o pixel {{pixelId}} (código {{code}}).',
  checkNoPermissionFix:
    'Os eventos continuam sendo enviados. Se a Meta também os recusar, dê o pixel ao usuário do sistema do token (Configurações do negócio → Usuários → Usuários do sistema → Atribuir ativos → Conjuntos de dados, com controle total), ou gere o token nas Configurações do próprio pixel no Gerenciador de Eventos. Confira com um evento de teste: POST /api/v1/connections/meta/test ou `hub meta test`.',
  checkPixelNotFound: 'A Meta não conhece nenhum pixel {{pixelId}} que este token enxergue (código {{code}}).',
  checkPixelNotFoundFix:
    'Confira o id do pixel (conjunto de dados) no Gerenciador de Eventos → Fontes de dados, e se o token foi gerado para esse pixel ou para o negócio dele. Os eventos continuam sendo enviados e a Meta os recusa se o id estiver errado: confira com POST /api/v1/connections/meta/test ou `hub meta test`.',
  checkTimeout: 'A Meta não respondeu em {{seconds}} s, então o token não pôde ser verificado.',
  checkNetwork: 'Não foi possível falar com a Meta ({{detail}}), então o token não pôde ser verificado.',
  checkNetworkFix:
    'Confira se este servidor alcança {{graphUrl}} (firewall, proxy, DNS). A conexão foi salva como não verificada e os eventos são enviados; salve-a de novo para verificar, ou envie um evento de teste (POST /api/v1/connections/meta/test).',
  checkMetaUnavailable: 'A Meta teve um problema temporário (HTTP {{status}}), então o token não pôde ser verificado.',
  checkUnexpectedAnswer: 'A resposta da Meta não pôde ser entendida (HTTP {{status}}), então o token não pôde ser verificado.',
  checkLaterFix:
    'A conexão foi salva como não verificada e os eventos são enviados. Salve-a de novo em alguns minutos para verificar, ou envie um evento de teste (POST /api/v1/connections/meta/test).',
  notConnected: 'A Meta não está conectada para este tenant: conecte-a primeiro com PUT /api/v1/connections/meta.',
  tokenUnreadable: 'A conexão com a Meta salva não pode ser lida ({{problem}}): conecte a Meta de novo com PUT /api/v1/connections/meta.',
  testCodeRequired:
    'Sem código de evento de teste: informe um (campo testEventCode, ou --test-code) ou salve um na conexão com a Meta. A Meta o mostra no Gerenciador de Eventos → seu pixel → Testar eventos.',
  testAccepted:
    'A Meta aceitou o evento de teste ({{eventsReceived}} recebido(s)). Procure {{eventName}} com event_id {{eventId}} no Gerenciador de Eventos → seu pixel → Testar eventos (código {{testEventCode}}).',
  testTokenRefused: 'A Meta recusou o token, ou este pixel para ele: {{detail}}',
  testTokenRefusedFix:
    'Gere um novo token no Gerenciador de Eventos → seu pixel (conjunto de dados) → Configurações → API de Conversões, confira o id do pixel e salve-os de novo (PUT /api/v1/connections/meta).',
  testEventRefused: 'A Meta rejeitou o evento de teste: {{detail}}',
  testEventRefusedFix: 'Isso não é esperado para o evento de teste do hub; anote o fbtrace_id e relate-o junto com a mensagem da Meta.',
  testNoAnswer: 'A Meta não recebeu o evento de teste: {{detail}}',
  testNoAnswerFix: 'Nada foi registrado como enviado. Tente de novo em um minuto; se persistir, confira se este servidor alcança {{graphUrl}}.',
  cliTestSent: 'Evento de teste {{eventName}} enviado ao pixel {{pixelId}} com o código de teste {{testEventCode}}.',
  cliMetaAnswer: 'Resposta da Meta: HTTP {{status}}, events_received {{eventsReceived}}, fbtrace_id {{fbtraceId}}',
  cliMetaError: 'Resposta da Meta: HTTP {{status}}, código {{code}}, fbtrace_id {{fbtraceId}}: {{message}}',
  cliMetaMessages: 'Observações da Meta: {{messages}}',
};
