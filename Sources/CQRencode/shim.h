// libqrencode (Debian's libqrencode-dev): QR codes for the SSO login URL (issue 11).
#include <qrencode.h>
