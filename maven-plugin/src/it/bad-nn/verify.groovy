// The build failed at the .nn file's error, with its position and the plugin's summary.
def log = new File(basedir, 'build.log').text
assert log.contains('bad.nn:4:') : 'the error names bad.nn, line 4'
assert log.contains('relux') : 'the error quotes the unknown activation'
assert log.contains('adjoint: 1 error in the .nn files under') : 'the plugin says why the build failed'
assert !new File(basedir, 'target/generated-sources/adjoint/dev/example/Bad.java').exists() : 'nothing generated'
return true
