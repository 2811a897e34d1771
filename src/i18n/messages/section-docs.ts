// Messages of the docs part, in both languages (composed into en.ts and pt-BR.ts).
export const docsEn = {
  placeholder: '',
} as const;

export const docsPtBR: { [K in keyof typeof docsEn]: string } = {
  placeholder: '',
};
