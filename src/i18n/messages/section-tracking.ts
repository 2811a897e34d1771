// Messages of the tracking part, in both languages (composed into en.ts and pt-BR.ts).
export const trackingEn = {
  placeholder: '',
} as const;

export const trackingPtBR: { [K in keyof typeof trackingEn]: string } = {
  placeholder: '',
};
