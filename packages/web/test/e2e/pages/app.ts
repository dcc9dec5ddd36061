import type { Locator, Page } from 'playwright-core';

/** The login screen and the top bar every signed-in screen shares. */
export class AppShell {
  readonly username: Locator;
  readonly password: Locator;
  readonly signIn: Locator;
  readonly nav: Locator;
  readonly connection: Locator;
  readonly language: Locator;

  constructor(readonly page: Page) {
    this.username = page.getByLabel(/^(Username|Gebruikersnaam|Nom d’utilisateur)$/);
    this.password = page.getByLabel(/^(Password|Wachtwoord|Mot de passe)$/);
    this.signIn = page.getByRole('button', { name: /^(Sign in|Aanmelden|Se connecter)$/ });
    // By name: a screen may have navigation of its own (the payments pager).
    this.nav = page.getByRole('navigation', { name: /^(Main|Hoofdmenu|Menu principal)$/ });
    this.connection = page.getByRole('status', { name: /Live updates|Live-updates|Mises à jour en direct/ });
    this.language = page.getByRole('combobox', { name: /^(Language|Taal|Langue)$/ }).first();
  }

  async logIn(credentials: { username: string; password: string }): Promise<void> {
    await this.username.fill(credentials.username);
    await this.password.fill(credentials.password);
    await this.signIn.click();
    await this.nav.waitFor();
  }

  async goTo(linkName: string | RegExp): Promise<void> {
    await this.nav.getByRole('link', { name: linkName }).click();
    await this.page.getByRole('heading', { level: 1 }).waitFor();
  }

  async chooseLanguage(label: 'English' | 'Nederlands' | 'Français'): Promise<void> {
    await this.language.selectOption({ label });
  }

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }
}
