import { screenStrings } from './strings';

export const useSignupT = screenStrings({
  en: {
    checkInbox: 'Check your inbox: a link to confirm {email} is on its way. Open it to finish, then come back to this invitation.',
    confirmTitle: 'Confirming your email',
    confirmMissing: 'This confirmation link has no token. Sign up again to get a new one.',
    confirmFailed: 'This link did not work.',
    toSignIn: 'Go to sign in',
  },
  id: {
    checkInbox: 'Periksa kotak masukmu: tautan untuk mengonfirmasi {email} sedang dikirim. Buka tautan itu, lalu kembali ke undangan ini.',
    confirmTitle: 'Mengonfirmasi emailmu',
    confirmMissing: 'Tautan konfirmasi ini tidak punya token. Daftar lagi untuk mendapat tautan baru.',
    confirmFailed: 'Tautan ini tidak berhasil.',
    toSignIn: 'Ke halaman masuk',
  },
  es: {
    checkInbox: 'Revisa tu correo: va en camino un enlace para confirmar {email}. Ábrelo para terminar y vuelve a esta invitación.',
    confirmTitle: 'Confirmando tu correo',
    confirmMissing: 'Este enlace de confirmación no tiene token. Regístrate de nuevo para recibir otro.',
    confirmFailed: 'Este enlace no funcionó.',
    toSignIn: 'Ir a iniciar sesión',
  },
});
