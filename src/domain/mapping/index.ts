export {
  DEFAULT_MAPPING,
  DESTINATIONS,
  GATEWAY_PAYMENT_KINDS,
  MAPPING_KINDS,
  VALUE_RULES,
  mappingKindOf,
  resolveMapping,
  type ConversionMapping,
  type DestinationMapping,
  type DestinationName,
  type MappingKind,
  type MappingRule,
  type ValueRule,
} from './conversion-mapping.ts';
export { META_STANDARD_EVENTS, metaEventNameProblem } from './meta-event-names.ts';
export { validateMapping, type MappingFieldError, type MappingPatch, type ValidationContext } from './validate-mapping.ts';
