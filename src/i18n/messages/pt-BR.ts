// Mensagens em português do Brasil: as mesmas chaves de en.ts (o tipo Messages garante).
import type { Messages } from './en.ts';
import { metaPtBR } from './section-meta.ts';
import { trackingPtBR } from './section-tracking.ts';
import { docsPtBR } from './section-docs.ts';
import { reconciliationPtBR } from './section-reconciliation.ts';
import { alertsPtBR } from './section-alerts.ts';

export const ptBR: Messages = {
  problem: {
    unauthorized: 'Credenciais ausentes ou inválidas.',
    sendSecretKey: 'Envie `Authorization: Bearer hub_sk_…`.',
    unknownKey: 'Chave desconhecida ou revogada.',
    sendAdminToken: 'Envie `Authorization: Bearer <HUB_ADMIN_TOKEN>`.',
    tenantCreationDisabled:
      'A criação de tenants por HTTP está desativada: defina HUB_ADMIN_TOKEN ou use `hub tenant create`.',
    notFound: 'Recurso não encontrado.',
    noSuchRoute: 'Rota não encontrada.',
    noSuchEvent: 'Evento não encontrado.',
    noSuchDeadLetter: 'Job em dead letter não encontrado.',
    noSuchTenant: 'Tenant não encontrado.',
    validation: 'A requisição não corresponde ao esquema.',
    tooLarge: 'O corpo da requisição é limitado a 256 KiB.',
    rateLimited: 'Requisições demais; tente de novo em {{seconds}} s.',
    malformedJson: 'O corpo não é um JSON válido.',
    unsupportedMediaType: 'Envie application/json.',
    badContentLength: 'O Content-Length não corresponde ao corpo.',
    badRequest: 'Não foi possível processar a requisição.',
    internal: 'Algo deu errado; o request id identifica o erro nos logs.',
    invalidCursor: 'Este cursor não foi gerado por esta API.',
    sendPublicKey: 'Envie a chave pública do tenant em `publicKey` ou no cabeçalho X-Hub-Public-Key.',
    unknownPublicKey: 'Chave pública desconhecida.',
    originRefused:
      'A origem {{origin}} não está nos funis deste tenant. Adicione-a com PUT /api/v1/funnels/{slug} (campo origins).',
    webhookMalformed: '{{reason}} Ele foi guardado para um operador como {{id}}.',
    webhookUnauthenticated: 'Não foi possível autenticar a entrega para este tenant.',
    unknownGateway: 'Gateway desconhecido: use {{gateways}}.',
    unavailable: 'O serviço ainda não está pronto; tente de novo em instantes.',
    settingsInvalid: 'As configurações não são válidas: {{fields}}.',
    mappingInvalid: 'O mapeamento não é válido: {{fields}}.',
    nameEmpty: 'O nome não pode ser vazio.',
  },
  cli: {
    tenantCreated: 'Tenant criado: {{name}} ({{id}})',
    secretKeyOnce: 'Chave secreta (mostrada uma única vez, guarde-a bem): {{key}}',
    publicKeyForPixel: 'Chave pública (para o pixel):                        {{key}}',
    pixelTag: 'Tag do pixel para as suas páginas de venda:',
    tenantListEmpty: 'Nenhum tenant ainda. Crie um: npx hub tenant create --name "Minha Loja"',
    keyRotated: 'Nova chave {{kind}} (mostrada uma única vez): {{key}}',
    oldKeyValidUntil: 'A chave {{kind}} anterior continua valendo até {{until}}.',
    oldKeyRevoked: 'A chave {{kind}} anterior não vale mais.',
    unknownTenant: 'Não existe o tenant {{id}}. Liste-os com: npx hub tenant list',
    replayQueued: '{{mode}} {{id}}: {{count}} eventos na fila',
    replayProcessed: '{{mode}} {{id}}: {{count}} eventos na fila e processados',
    replayTooOld: '{{count}} conversões têm mais de 7 dias: o mapeamento atual as enviaria, mas a Meta não as aceita mais (marcadas not_sendable)',
    viaServer: 'servidor em execução',
    notANumber: '{{option}} espera um número de {{unit}}, recebeu "{{value}}"',
    notATime: '--{{name}} espera um horário RFC 3339, por exemplo 2026-11-29T00:00:00Z',
    databaseUnreachable:
      'não foi possível acessar o banco de dados em {{url}} ({{reason}}). O PostgreSQL está rodando e o HUB_DATABASE_URL está certo?',
    serverAlreadyRunning:
      'outro hub já está rodando no diretório de dados {{dir}} (pid {{pid}}). Pare-o antes, ou use os comandos dele: npx hub tenant …',
    invalidConfig: 'configuração inválida: {{variable}}: {{message}}',
    adminChannelFailed: 'o servidor em execução não respondeu ao canal de administração ({{reason}})',
  },
  demo: {
    title: 'Demonstração do Hub — um clique e uma compra na Hotmart, até um sandbox local da Meta',
    where: 'hub {{hub}} · sandbox da Meta {{sandbox}} · banco de dados embutido em {{dir}}',
    tenant: 'tenant      {{id}} "Demo Store", pixel da Meta {{pixel}} (código de teste {{code}}, só para eventos de teste), Hotmart conectada',
    received: '✓ recebido pelo sandbox da Meta: {{name}} event_id {{eventId}}, valor {{value}} {{currency}}, fbc {{fbc}}, com hash {{hashed}}',
    testEvent: '✓ evento de teste: POST /api/v1/connections/meta/test → {{result}}, {{name}} com o código de teste {{code}} (a Purchase acima foi real, sem ele)',
    next: 'O seu próprio hub: npm start, depois npx hub tenant create --name "Minha Loja" (README: início rápido)',
    kept: 'banco de dados da demonstração mantido em {{dir}}',
  },
  banner: {
    running: 'O Hub está rodando em {{db}}',
    embedded: 'PGlite embutido em {{dir}}',
    postgres: 'PostgreSQL',
    url: 'URL:   {{url}}',
    docs: 'Docs:  {{url}}/docs',
    createFirstTenant: 'Crie o seu primeiro tenant:',
    createCommand: 'npx hub tenant create --name "Minha Loja"',
    tenants: 'Tenants: {{count}} (liste-os: npx hub tenant list)',
    localUrlWarning:
      'HUB_PUBLIC_URL não está definido: as URLs de webhook apontarão para {{url}}, que os gateways não alcançam. Defina HUB_PUBLIC_URL com o endereço HTTPS público (veja "Colocando no ar" no README).',
  },
  hints: {
    localWebhookUrl:
      'Esta URL é local ({{url}}): Hotmart, Kiwify e Stripe não conseguem alcançá-la. Defina HUB_PUBLIC_URL com o endereço HTTPS público do hub e conecte de novo.',
  },
  meta: metaPtBR,
  tracking: trackingPtBR,
  docs: docsPtBR,
  reconciliation: reconciliationPtBR,
  alerts: alertsPtBR,
};
