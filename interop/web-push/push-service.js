// A local Web Push service for WebPushInteropTest: web-push-testing's service (RFC 8030 endpoints, the VAPID
// token's signature and expiry and the k= key checked against the subscription's, the aes128gcm body decrypted
// with the subscription's keys by http_ece), listening on 127.0.0.1 only, at the port given.
//
//   node push-service.js PORT     prints "listening PORT" when ready; stops when its standard input closes
//
// Besides web-push-testing's API (/subscribe, /notify/:clientHash, /expire-subscription/:clientHash,
// /get-notifications) it answers POST /get-headers {"clientHash": ...} with the headers of each message
// received for that subscription, so the test can read the VAPID claims the service does not check (aud, sub).
'use strict';

const WebPushTestingServer = require('web-push-testing/src/server.js');
const {PushApiModel} = require('web-push-testing/src/PushApiModel.js');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
	console.error('usage: node push-service.js PORT');
	process.exit(2);
}

const model = new PushApiModel();
const service = new WebPushTestingServer(model, port);
model.notifyUrl = `http://127.0.0.1:${port}/notify/`;

const headers = {};
service._app.post('/notify/:clientHash', (req, res, next) => {
	const received = headers[req.params.clientHash] || (headers[req.params.clientHash] = []);
	received.push({
		ttl: req.get('TTL'),
		urgency: req.get('Urgency'),
		contentEncoding: req.get('X-Content-Encoding'),
		contentType: req.get('Content-Type'),
		authorization: req.get('Authorization'),
	});
	next();
});
service._app.post('/get-headers', (req, res) => {
	res.status(200).send({data: headers[req.body.clientHash] || []});
});
service.setRequestHandlers();

const listener = service._app.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
listener.on('error', error => {
	console.error(error.message);
	process.exit(1);
});
// The test holds our standard input open; when it ends (the test finished, or its JVM died), so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
