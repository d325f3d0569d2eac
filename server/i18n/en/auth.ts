import type { Catalogue } from '../catalogue';

export const auth: Catalogue['auth'] = {
  title: 'Sign in',
  heading: 'Sign in to the portal',
  username: 'Username',
  password: 'Password',
  submit: 'Sign in',
};
