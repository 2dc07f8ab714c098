/**
 * Keeps the display preferences on the account: after a sign-in the account's copy is applied
 * here; a change made here while signed in is saved to the account (debounced: a user who clicks
 * through themes makes one call). Called once, in the Shell.
 */
import { useEffect } from "react";
import { preferences } from "@/shared/preferences/preferences";
import { session, useSession } from "@/shared/session/session";
import { accountPreferences, unsaved } from "../model/preferences";
import { updateProfile } from "./profile";

const SAVE_AFTER_MS = 800;

export function useAccountPreferences(): void {
  const { user } = useSession();
  const userId = user?.id ?? null;

  useEffect(() => {
    const signedIn = session.get().user;
    if (!userId || !signedIn) return;
    let applying = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let saved = accountPreferences(signedIn);

    const save = () => {
      const changes = unsaved(preferences.get(), saved);
      if (Object.keys(changes).length === 0) return;
      saved = { ...saved, ...changes };
      updateProfile({ preferences: changes }).catch((error: unknown) => {
        console.warn("preferences: not saved to the account", error);
      });
    };
    const schedule = () => {
      if (applying) return;
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_AFTER_MS);
    };

    // The account's choices win over this device's; an account with none takes this device's.
    applying = true;
    preferences.apply(saved);
    applying = false;
    schedule();
    const unsubscribe = preferences.subscribe(schedule);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [userId]);
}
