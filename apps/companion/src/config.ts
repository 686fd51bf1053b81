import type { SomeCompanionConfigField } from '@companion-module/base';

export type ModuleConfig = {
  /** The gateway's address, or any page of the ceremony (…/control/<slug>). */
  url: string;
  /** The ceremony's slug (taken from the URL when empty). */
  ceremony: string;
  rehearsal: boolean;
};

export type ModuleSecrets = {
  /** A producer token (the admin issues one per desk, with a label: the control room shows who cued). */
  token: string;
};

export function configFields(): SomeCompanionConfigField[] {
  return [
    {
      type: 'static-text',
      id: 'about',
      label: 'Laurel',
      value: 'Follows the show over the producer socket and cues with expectedSeq: a press made on an outdated view is refused and the buttons show the scene on stage.',
      width: 12,
    },
    { type: 'textinput', id: 'url', label: 'Laurel URL', tooltip: 'The gateway, e.g. http://laurel.local:3000, or the control room URL …/control/<ceremony>', width: 8, default: 'http://127.0.0.1:3000' },
    { type: 'textinput', id: 'ceremony', label: 'Ceremony (slug)', tooltip: 'Empty: taken from a control-room URL', width: 4, default: '' },
    { type: 'secret-text', id: 'token', label: 'Producer token', tooltip: 'POST /api/v1/ceremonies/<c>/tokens { role: "producer", label: "Stream Deck" } as admin', width: 8 },
    { type: 'checkbox', id: 'rehearsal', label: 'Rehearsal show', width: 4, default: false },
  ];
}
