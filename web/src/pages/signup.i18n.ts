import { strings } from '../strings';

export const signupStrings = strings({
  en: {
    'signup.checkInbox': 'Check your inbox: a link to confirm {email} is on its way. Open it to finish, then come back to this invitation.',
    'signup.confirmTitle': 'Confirming your email',
    'signup.confirmMissing': 'This confirmation link has no token. Sign up again to get a new one.',
    'signup.confirmFailed': 'This link did not work.',
    'signup.toSignIn': 'Go to sign in',
  },
  id: {
    'signup.checkInbox': 'Periksa kotak masukmu: tautan untuk mengonfirmasi {email} sedang dikirim. Buka tautan itu, lalu kembali ke undangan ini.',
    'signup.confirmTitle': 'Mengonfirmasi emailmu',
    'signup.confirmMissing': 'Tautan konfirmasi ini tidak punya token. Daftar lagi untuk mendapat tautan baru.',
    'signup.confirmFailed': 'Tautan ini tidak berhasil.',
    'signup.toSignIn': 'Ke halaman masuk',
  },
  es: {
    'signup.checkInbox': 'Revisa tu correo: va en camino un enlace para confirmar {email}. Ábrelo para terminar y vuelve a esta invitación.',
    'signup.confirmTitle': 'Confirmando tu correo',
    'signup.confirmMissing': 'Este enlace de confirmación no tiene token. Regístrate de nuevo para recibir otro.',
    'signup.confirmFailed': 'Este enlace no funcionó.',
    'signup.toSignIn': 'Ir a iniciar sesión',
  },
});
