// Messages of the meta part, in both languages (composed into en.ts and pt-BR.ts).
export const metaEn = {
  placeholder: '',
} as const;

export const metaPtBR: { [K in keyof typeof metaEn]: string } = {
  placeholder: '',
};
