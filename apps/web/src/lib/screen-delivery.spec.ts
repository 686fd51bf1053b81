import { ScreenDelivery, type PendingDelivery } from './screen-delivery.js';

describe('ScreenDelivery', () => {
  it('shows a cue answered "not on screens yet" until a scene that new arrives on the socket', () => {
    const seen: (PendingDelivery | null)[] = [];
    const delivery = new ScreenDelivery((p) => seen.push(p));
    delivery.answered({ seq: 7, onScreens: true });
    expect(delivery.current).toBeNull();
    delivery.answered({ seq: 8, onScreens: false, scene: { rehearsal: false } });
    expect(delivery.current).toEqual({ seq: 8, rehearsal: false });
    delivery.sawScene({ seq: 7, rehearsal: false });
    delivery.sawScene({ seq: 9, rehearsal: true });
    expect(delivery.current).toEqual({ seq: 8, rehearsal: false });
    delivery.sawScene({ seq: 8, rehearsal: false });
    expect(delivery.current).toBeNull();
    expect(seen).toEqual([{ seq: 8, rehearsal: false }, null]);
  });

  it('an answer without onScreens (an older gateway) is not a pending delivery', () => {
    const delivery = new ScreenDelivery(() => undefined);
    delivery.answered({ seq: 3 });
    expect(delivery.current).toBeNull();
  });
});
