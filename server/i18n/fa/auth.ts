/** The sign-in page. */
export const auth = {
  title: 'ورود',
  heading: 'ورود به سامانه',
  username: 'نام کاربری',
  password: 'گذرواژه',
  submit: 'ورود',
} as const;
